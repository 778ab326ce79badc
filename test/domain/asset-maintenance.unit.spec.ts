import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { AssetEvent } from '../../src/domain/cmdb/index.js';
import { assetDecider } from '../../src/domain/cmdb/index.js';
import { IllegalStateError, NotFoundError, ValidationError } from '../../src/domain/errors.js';
import { deciderSpec } from '../support/decider-spec.js';

const test = suite('asset maintenance');
const spec = deciderSpec(assetDecider);
const now = new Date('2025-03-01T10:00:00Z');
const at = now.toISOString();
const fields = { name: 'Laptop', categoryId: 'cat-1', ownerUserId: null, location: null, serial: null, vendor: null, purchaseDate: null, purchaseCost: '1200.00', warrantyEnd: null, attributes: {} };
const registered = (status: 'in_stock' | 'retired' | 'disposed' = 'in_stock'): AssetEvent => ({ type: 'AssetRegistered', data: { assetId: 'a-1', tenantId: 't-1', tag: 'LT-1', status, ...fields, at } });
const planned: AssetEvent = {
  type: 'AssetMaintenancePlanned',
  data: { maintenanceId: 'm-1', kind: 'service', title: 'Battery swap', description: '', plannedFor: '2025-04-01', vendor: 'Acme', estimatedCost: '89.90', currency: 'EUR', at },
};
const plan = { kind: ' service ', title: 'Battery swap', plannedFor: '2025-04-01', vendor: 'Acme', estimatedCost: 89.9, currency: 'eur' };

test('plans a maintenance with a decimal estimated cost and an upper-case currency', () => {
  spec
    .given([registered()])
    .when({ type: 'PlanAssetMaintenance', maintenanceId: 'm-1', plan: { ...plan, estimatedCost: '89.90' }, now })
    .then([planned]);
});

test('records a maintenance already done as a plan and its completion, dated the day it was done', () => {
  spec
    .given([registered()])
    .when({ type: 'PlanAssetMaintenance', maintenanceId: 'm-2', plan: { kind: 'repair', title: 'New screen' }, done: { doneOn: '2025-02-27', actualCost: '150', notes: ' under warranty ' }, now })
    .then([
      { type: 'AssetMaintenancePlanned', data: { maintenanceId: 'm-2', kind: 'repair', title: 'New screen', description: '', plannedFor: '2025-02-27', vendor: null, estimatedCost: null, currency: null, at } },
      { type: 'AssetMaintenanceCompleted', data: { maintenanceId: 'm-2', doneOn: '2025-02-27', actualCost: '150', notes: 'under warranty', at } },
    ]);
});

test('refuses to plan on a retired or disposed asset', () => {
  for (const status of ['retired', 'disposed'] as const) {
    const error = spec.given([registered(status)]).when({ type: 'PlanAssetMaintenance', maintenanceId: 'm-1', plan, now }).thenThrows(IllegalStateError) as IllegalStateError;
    assert.equal(error.details, { currentStatus: status });
  }
});

test('refuses a plan without a date, with a bad cost, currency or kind, naming each field', () => {
  const error = spec
    .given([registered()])
    .when({ type: 'PlanAssetMaintenance', maintenanceId: 'm-1', plan: { kind: '', title: 'x', estimatedCost: '-3', currency: 'euro' }, now })
    .thenThrows(ValidationError) as ValidationError;
  assert.equal(error.errors.map((problem) => problem.path), ['/kind', '/plannedFor', '/estimatedCost', '/currency']);
  const badDate = spec.given([registered()]).when({ type: 'PlanAssetMaintenance', maintenanceId: 'm-1', plan: { ...plan, plannedFor: '2025-02-30' }, now }).thenThrows(ValidationError) as ValidationError;
  assert.equal(badDate.errors.map((problem) => problem.path), ['/plannedFor']);
});

test('completes a planned maintenance once; a second completion or a cancel after it is refused', () => {
  spec
    .given([registered(), planned])
    .when({ type: 'CompleteAssetMaintenance', maintenanceId: 'm-1', completion: { doneOn: '2025-03-01', actualCost: 95 }, now })
    .then([{ type: 'AssetMaintenanceCompleted', data: { maintenanceId: 'm-1', doneOn: '2025-03-01', actualCost: '95', notes: null, at } }]);
  const done: AssetEvent = { type: 'AssetMaintenanceCompleted', data: { maintenanceId: 'm-1', doneOn: '2025-03-01', actualCost: null, notes: null, at } };
  const twice = spec.given([registered(), planned, done]).when({ type: 'CompleteAssetMaintenance', maintenanceId: 'm-1', completion: { doneOn: '2025-03-01' }, now }).thenThrows(IllegalStateError) as IllegalStateError;
  assert.equal(twice.details, { currentStatus: 'done' });
  spec.given([registered(), planned, done]).when({ type: 'CancelAssetMaintenance', maintenanceId: 'm-1', now }).thenThrows(IllegalStateError);
});

test('refuses a completion dated in the future and a maintenance that does not exist', () => {
  const future = spec.given([registered(), planned]).when({ type: 'CompleteAssetMaintenance', maintenanceId: 'm-1', completion: { doneOn: '2025-03-02' }, now }).thenThrows(ValidationError) as ValidationError;
  assert.equal(future.errors.map((problem) => problem.path), ['/doneOn']);
  spec.given([registered()]).when({ type: 'CompleteAssetMaintenance', maintenanceId: 'nope', completion: { doneOn: '2025-03-01' }, now }).thenThrows(NotFoundError);
  spec.given([registered()]).when({ type: 'CancelAssetMaintenance', maintenanceId: 'nope', now }).thenThrows(NotFoundError);
});

test('cancels a planned maintenance with a reason; a cancelled one cannot be completed', () => {
  spec
    .given([registered(), planned])
    .when({ type: 'CancelAssetMaintenance', maintenanceId: 'm-1', reason: ' replaced instead ', now })
    .then([{ type: 'AssetMaintenanceCancelled', data: { maintenanceId: 'm-1', reason: 'replaced instead', at } }]);
  const cancelled: AssetEvent = { type: 'AssetMaintenanceCancelled', data: { maintenanceId: 'm-1', reason: null, at } };
  spec.given([registered(), planned, cancelled]).when({ type: 'CompleteAssetMaintenance', maintenanceId: 'm-1', completion: { doneOn: '2025-03-01' }, now }).thenThrows(IllegalStateError);
});

test('a maintenance already planned on a disposed asset can still be completed: the work happened', () => {
  const disposedLater: AssetEvent[] = [
    { type: 'AssetStatusChanged', data: { from: 'in_stock', to: 'retired', note: null, at } },
    { type: 'AssetStatusChanged', data: { from: 'retired', to: 'disposed', note: null, at } },
  ];
  spec
    .given([registered(), planned, ...disposedLater])
    .when({ type: 'CompleteAssetMaintenance', maintenanceId: 'm-1', completion: { doneOn: '2025-02-28' }, now })
    .then([{ type: 'AssetMaintenanceCompleted', data: { maintenanceId: 'm-1', doneOn: '2025-02-28', actualCost: null, notes: null, at } }]);
});

test.run();
