import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { AssetCategoryFact, AssetEvent } from '../../src/domain/cmdb/index.js';
import { assetCategoryDecider, assetDecider } from '../../src/domain/cmdb/index.js';
import { IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import { deciderSpec } from '../support/decider-spec.js';

const test = suite();

const spec = deciderSpec(assetDecider);
const now = new Date('2025-03-01T10:00:00Z');
const at = now.toISOString();
const schema = { type: 'object', properties: { ram: { type: 'integer', minimum: 1 } }, required: ['ram'], additionalProperties: false };
const category: AssetCategoryFact = { id: 'cat-1', found: true, attributesSchema: schema };
const fields = { name: 'Laptop', categoryId: 'cat-1', ownerUserId: null, location: null, serial: null, vendor: null, purchaseDate: null, purchaseCost: null, warrantyEnd: null, attributes: { ram: 16 } };
const registered = (status: 'in_stock' | 'retired' | 'disposed' = 'in_stock'): AssetEvent => ({ type: 'AssetRegistered', data: { assetId: 'a-1', tenantId: 't-1', tag: 'LT-1', status, ...fields, at } });

test('registers an asset whose attributes fit the category schema', () => {
  spec
    .given([])
    .when({ type: 'RegisterAsset', assetId: 'a-1', tenantId: 't-1', tag: 'LT-1', name: 'Laptop', category, owner: null, changes: { attributes: { ram: 16 } }, now })
    .then([registered()]);
});

test('refuses attributes that break the schema, pointing at each with a JSON pointer', () => {
  const error = spec
    .given([])
    .when({ type: 'RegisterAsset', assetId: 'a-1', tenantId: 't-1', tag: 'LT-1', name: 'Laptop', category, owner: null, changes: { attributes: { ram: 0, colour: 'red' } }, now })
    .thenThrows(ValidationError) as ValidationError;
  assert.equal(error.errors.map((problem) => problem.path).sort(), ['/attributes', '/attributes/ram']);
  const missing = spec.given([]).when({ type: 'RegisterAsset', assetId: 'a-1', tenantId: 't-1', tag: 'LT-1', name: 'Laptop', category, owner: null, changes: {}, now }).thenThrows(ValidationError) as ValidationError;
  assert.equal(missing.errors.map((problem) => problem.path), ['/attributes/ram']);
});

test('refuses an unknown category, an inactive owner and a negative cost', () => {
  const error = spec
    .given([])
    .when({ type: 'RegisterAsset', assetId: 'a-1', tenantId: 't-1', tag: 'LT-1', name: 'Laptop', category: { id: 'x', found: false }, owner: { id: 'u', active: false }, changes: { purchaseCost: '-1' }, now })
    .thenThrows(ValidationError) as ValidationError;
  assert.equal(error.errors.map((problem) => problem.path), ['/categoryId', '/ownerUserId', '/purchaseCost']);
});

test('an update is checked against the schema it is given, not the one the asset was created under', () => {
  const stricter: AssetCategoryFact = { id: 'cat-1', found: true, attributesSchema: { ...schema, properties: { ram: { type: 'integer', minimum: 32 } } } };
  spec.given([registered()]).when({ type: 'UpdateAsset', category: stricter, changes: { name: 'Renamed' }, now }).thenThrows(ValidationError);
  spec.given([registered()]).when({ type: 'UpdateAsset', category, changes: { name: 'Renamed' }, now }).then([{ type: 'AssetUpdated', data: { ...fields, name: 'Renamed', at } }]);
});

test('lifecycle: legal moves are recorded, illegal ones refused with the allowed next statuses', () => {
  spec.given([registered()]).when({ type: 'ChangeAssetStatus', status: 'in_use', note: ' handed out ', now }).then([{ type: 'AssetStatusChanged', data: { from: 'in_stock', to: 'in_use', note: 'handed out', at } }]);
  spec.given([registered('retired')]).when({ type: 'ChangeAssetStatus', status: 'in_stock', now }).then([{ type: 'AssetStatusChanged', data: { from: 'retired', to: 'in_stock', note: null, at } }]);
  const illegal = spec.given([registered()]).when({ type: 'ChangeAssetStatus', status: 'disposed', now }).thenThrows(IllegalStateError) as IllegalStateError;
  assert.equal(illegal.details, { currentStatus: 'in_stock', allowedNextStatuses: ['in_use', 'in_repair', 'retired'] });
  const final = spec.given([registered('disposed')]).when({ type: 'ChangeAssetStatus', status: 'in_stock', now }).thenThrows(IllegalStateError) as IllegalStateError;
  assert.equal(final.details, { currentStatus: 'disposed', allowedNextStatuses: [] });
});

test('an asset category refuses a schema Ajv cannot compile', () => {
  const error = deciderSpec(assetCategoryDecider)
    .given([])
    .when({ type: 'CreateAssetCategory', assetCategoryId: 'c', tenantId: 't', name: 'Laptops', attributesSchema: { type: 'nonsense' }, now })
    .thenThrows(ValidationError) as ValidationError;
  assert.is(error.errors[0]?.path, '/attributesSchema');
});

test.run();
