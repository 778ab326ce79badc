import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ConflictError } from '../../src/domain/errors.js';
import { assetTagReservationDecider, assetTagStream } from '../../src/domain/cmdb/index.js';
import { deciderSpec } from '../support/decider-spec.js';

/** A tag names at most one asset per tenant: one reservation stream per (tenant, tag). */
const test = suite('asset tag reservation');
const spec = deciderSpec(assetTagReservationDecider);
const reserved = (assetId: string) => ({ type: 'AssetTagReserved' as const, data: { tag: 'LT-001', assetId } });

test('given a free tag, when an asset reserves it, then AssetTagReserved carries the tag as given', () => {
  spec.given([]).when({ type: 'ReserveAssetTag', tag: 'LT-001', assetId: 'a1' }).then([reserved('a1')]);
});

test('given a tag held by an asset, when the same asset reserves it again, then nothing is recorded', () => {
  spec.given([reserved('a1')]).when({ type: 'ReserveAssetTag', tag: 'LT-001', assetId: 'a1' }).then([]);
});

test('given a tag held by an asset, when another asset reserves it, then refused as a conflict', () => {
  spec.given([reserved('a1')]).when({ type: 'ReserveAssetTag', tag: 'LT-001', assetId: 'a2' }).thenThrows(ConflictError, /an asset with this tag already exists/);
  // The decider compares holders, not spellings: spellings differing in case share one stream (below), so meet the same holder.
  spec.given([reserved('a1')]).when({ type: 'ReserveAssetTag', tag: 'lt-001', assetId: 'a2' }).thenThrows(ConflictError, /already exists/);
});

test('given a reserved tag, then the state names the asset that holds it', () => {
  assert.equal(assetTagReservationDecider.initialState(), { heldBy: null });
  assert.equal([reserved('a1')].reduce((folded, event) => assetTagReservationDecider.evolve(folded, event), assetTagReservationDecider.initialState()), { heldBy: 'a1' });
});

test('given tags that differ only in case, when their streams are named, then it is one stream per tenant', () => {
  assert.is(assetTagStream('t1', 'LT-001'), 'assettag-t1:lt-001');
  assert.is(assetTagStream('t1', 'lt-001'), assetTagStream('t1', 'LT-001'));
  assert.is.not(assetTagStream('t2', 'LT-001'), assetTagStream('t1', 'LT-001'));
});

test.run();
