import * as categories from '../../cmdb/asset-categories-router.js';
import * as maintenance from '../../cmdb/asset-maintenance-router.js';
import * as relations from '../../cmdb/asset-relations-router.js';
import * as transfer from '../../cmdb/asset-transfer-router.js';
import * as assets from '../../cmdb/assets-router.js';
import { listQuery } from '../../http.js';
import type { JsonSchema } from '../json-schema.js';
import { all, page, ref, resource } from '../json-schema.js';
import type { Area } from '../operation.js';

const open = (description: string): JsonSchema => ({ type: 'object', description, additionalProperties: true });

export const cmdbSchemas: Record<string, JsonSchema> = {
  AssetCategory: resource('A kind of asset, with a JSON Schema for its custom attributes.'),
  Asset: resource('A configuration item: tag, name, category, status, owner, custom attributes.'),
  Maintenance: resource('A planned, done or cancelled maintenance of an asset.', false),
  AssetRelation: resource('A relation from an asset to another asset or to a service.', false),
};

const written = (schema: string, status = 200) => ({ status, description: 'As projected after the command.', schema: ref(schema), etag: true, ...(status === 201 ? { location: true } : {}) });
const assetId = { id: { description: 'The asset id.' } };

export const cmdbArea: Area = {
  tag: 'CMDB',
  description: 'Assets, their categories, relations, maintenance, import and export.',
  access: 'signedIn',
  idempotent: true,
  operations: [
    { method: 'POST', path: '/api/v1/asset-categories', summary: 'Create an asset category', body: categories.createBody, ok: written('AssetCategory', 201), afterWrite: true, errors: [409] },
    { method: 'GET', path: '/api/v1/asset-categories', summary: 'List asset categories', query: listQuery, ok: { status: 200, description: 'A page of asset categories.', schema: page(ref('AssetCategory')) } },
    { method: 'GET', path: '/api/v1/asset-categories/:id', summary: 'Read an asset category', ok: { status: 200, description: 'The category.', schema: ref('AssetCategory'), etag: true } },
    { method: 'PATCH', path: '/api/v1/asset-categories/:id', summary: 'Edit an asset category', body: categories.patchBody, ok: written('AssetCategory'), afterWrite: true, errors: [409] },
    {
      method: 'POST',
      path: '/api/v1/assets/import',
      summary: 'Import assets from CSV',
      description:
        'A `text/csv` body, one asset per row. Every row is checked before anything is written: if one fails, nothing is imported and the answer is 422 with each row\'s problems. `dryRun=true` checks every row, reports, and changes nothing. Not covered by Idempotency-Key.',
      query: transfer.importQuery,
      body: { mediaType: 'text/csv', schema: { type: 'string' }, required: true },
      ok: { status: 200, description: 'Per-row report.', schema: open('Rows created, updated and refused, each with its problems.') },
      afterWrite: true,
      errors: [413, 422],
      problemNotes: { 422: 'Rows failed their checks, so nothing was imported: `errors` locates each problem (`/rows/<row>/<column>`), `report` is the per-row report.' },
      idempotent: false,
    },
    {
      method: 'GET',
      path: '/api/v1/assets/export',
      summary: 'Export assets as CSV',
      query: transfer.exportQuery,
      ok: { status: 200, description: "The assets, streamed as CSV. A text cell starting with =, +, -, @, tab or carriage return is written with a leading ' (CSV injection guard), which the import takes off again.", mediaType: 'text/csv', schema: { type: 'string' } },
    },
    { method: 'POST', path: '/api/v1/assets', summary: 'Register an asset', body: assets.createBody, ok: written('Asset', 201), afterWrite: true, errors: [409] },
    {
      method: 'GET',
      path: '/api/v1/assets',
      summary: 'List assets',
      description: 'Requesters see the assets they own.',
      query: assets.assetsQuery,
      queryNotes: { maintenance: '`overdue`: only assets with maintenance past its date.' },
      ok: { status: 200, description: 'A page of assets.', schema: page(ref('Asset')) },
    },
    { method: 'GET', path: '/api/v1/assets/:id', summary: 'Read an asset', ok: { status: 200, description: 'The asset.', schema: ref('Asset'), etag: true } },
    { method: 'GET', path: '/api/v1/assets/:id/history', summary: "Read an asset's history", query: assets.historyQuery, ok: { status: 200, description: 'A page of the asset’s events.', schema: page(open('One event and what it changed.')) } },
    { method: 'GET', path: '/api/v1/assets/:id/tickets', summary: 'List tickets about an asset', query: listQuery, ok: { status: 200, description: 'A page of tickets.', schema: page(ref('Ticket')) } },
    { method: 'PATCH', path: '/api/v1/assets/:id', summary: 'Edit an asset', body: assets.patchBody, ok: written('Asset'), afterWrite: true, errors: [409] },
    { method: 'POST', path: '/api/v1/assets/:id/status', summary: "Change an asset's status", body: assets.statusBody, ok: written('Asset'), afterWrite: true, errors: [409] },
    { method: 'GET', path: '/api/v1/assets/:id/maintenance', summary: "List an asset's maintenance", pathParams: assetId, query: maintenance.maintenanceQuery, ok: { status: 200, description: 'A page of maintenance.', schema: page(ref('Maintenance')) } },
    { method: 'GET', path: '/api/v1/assets/:id/maintenance/:maintenanceId', summary: 'Read one maintenance', pathParams: assetId, ok: { status: 200, description: 'The maintenance.', schema: ref('Maintenance') } },
    { method: 'POST', path: '/api/v1/assets/:id/maintenance', summary: 'Plan maintenance', pathParams: assetId, body: maintenance.planBody, ok: { status: 201, description: 'The maintenance.', schema: ref('Maintenance') }, afterWrite: true, errors: [409] },
    { method: 'POST', path: '/api/v1/assets/:id/maintenance/:maintenanceId/complete', summary: 'Complete maintenance', pathParams: assetId, body: maintenance.completion, ok: { status: 200, description: 'The maintenance.', schema: ref('Maintenance') }, afterWrite: true, errors: [409] },
    { method: 'POST', path: '/api/v1/assets/:id/maintenance/:maintenanceId/cancel', summary: 'Cancel maintenance', pathParams: assetId, body: maintenance.cancelBody, ok: { status: 200, description: 'The maintenance.', schema: ref('Maintenance') }, afterWrite: true, errors: [409] },
    { method: 'GET', path: '/api/v1/assets/:id/relations', summary: "List an asset's relations", pathParams: assetId, ok: { status: 200, description: 'The relations.', schema: all(ref('AssetRelation')) } },
    { method: 'POST', path: '/api/v1/assets/:id/relations', summary: 'Relate an asset', description: 'To another asset or to a service: give exactly one target.', pathParams: assetId, body: relations.relationBody, ok: { status: 201, description: 'The relation.', schema: ref('AssetRelation') }, afterWrite: true, errors: [409] },
    { method: 'DELETE', path: '/api/v1/assets/:id/relations/:relationId', summary: 'Remove a relation', pathParams: assetId, ok: { status: 204, description: 'Removed.' }, errors: [409] },
    { method: 'GET', path: '/api/v1/assets/:id/impact', summary: 'What an asset’s failure would touch', pathParams: assetId, query: relations.impactQuery, ok: { status: 200, description: 'The assets and services that depend on it, to the given depth.', schema: open('The impact graph.') } },
  ],
};
