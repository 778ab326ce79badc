import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RelationEnd, RelationGraphEvent } from '../../src/domain/cmdb/index.js';
import { relationGraphDecider } from '../../src/domain/cmdb/index.js';
import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../../src/domain/errors.js';
import { deciderSpec } from '../support/decider-spec.js';

const test = suite('asset relation graph');
const spec = deciderSpec(relationGraphDecider);
const now = new Date('2025-03-01T10:00:00Z');
const at = now.toISOString();
const asset = (id: string, extra: Partial<RelationEnd> = {}): RelationEnd => ({ kind: 'asset', id, found: true, disposed: false, ...extra });
const service = (id: string, found = true): RelationEnd => ({ kind: 'service', id, found });
const added = (relationId: string, type: 'depends_on' | 'runs_on' | 'part_of' | 'connected_to', source: string, target: string): RelationGraphEvent => ({
  type: 'AssetRelationAdded',
  data: { relationId, type, sourceAssetId: source, targetAssetId: target, targetServiceId: null, at },
});
const add = (relationType: 'depends_on' | 'runs_on' | 'part_of' | 'connected_to' | 'supports', source: RelationEnd, target: RelationEnd) => ({ type: 'AddAssetRelation' as const, relationId: 'r-new', relationType, source, target, now });

test('adds an edge from the source asset to a target asset or a supported service', () => {
  spec.given([]).when(add('runs_on', asset('app'), asset('vm'))).then([added('r-new', 'runs_on', 'app', 'vm')]);
  spec
    .given([])
    .when(add('supports', asset('db'), service('crm')))
    .then([{ type: 'AssetRelationAdded', data: { relationId: 'r-new', type: 'supports', sourceAssetId: 'db', targetAssetId: null, targetServiceId: 'crm', at } }]);
});

test('refuses a relation to itself, to an unknown or disposed asset, or to the wrong kind of target', () => {
  const messages = (error: unknown) => (error as ValidationError).errors.map((problem) => problem.message);
  assert.equal(messages(spec.given([]).when(add('depends_on', asset('a'), asset('a'))).thenThrows(ValidationError)), ['an asset cannot relate to itself']);
  assert.equal(messages(spec.given([]).when(add('depends_on', asset('a'), asset('b', { found: false }))).thenThrows(ValidationError)), ['no active asset of this tenant with this id']);
  assert.equal(messages(spec.given([]).when(add('depends_on', asset('a'), asset('b', { disposed: true }))).thenThrows(ValidationError)), ['the asset is disposed']);
  assert.equal(messages(spec.given([]).when(add('supports', asset('a'), service('s', false))).thenThrows(ValidationError)), ['no active service of this tenant with this id']);
  assert.equal(messages(spec.given([]).when(add('depends_on', asset('a'), service('s'))).thenThrows(ValidationError)), ['a depends_on relation points at an asset']);
});

test('a disposed asset takes no new relations; an unknown source is not found', () => {
  spec.given([]).when(add('depends_on', asset('a', { disposed: true }), asset('b'))).thenThrows(IllegalStateError);
  spec.given([]).when(add('depends_on', asset('a', { found: false }), asset('b'))).thenThrows(NotFoundError);
});

test('refuses a duplicate, and connected_to counts both ways', () => {
  spec.given([added('r1', 'depends_on', 'a', 'b')]).when(add('depends_on', asset('a'), asset('b'))).thenThrows(ConflictError);
  spec.given([added('r1', 'connected_to', 'a', 'b')]).when(add('connected_to', asset('b'), asset('a'))).thenThrows(ConflictError);
  // The same pair under another type is another fact.
  spec.given([added('r1', 'depends_on', 'a', 'b')]).when(add('connected_to', asset('a'), asset('b'))).then([added('r-new', 'connected_to', 'a', 'b')]);
});

test('refuses an edge that closes a dependency cycle and names the loop, across depends_on, runs_on and part_of', () => {
  const direct = spec.given([added('r1', 'depends_on', 'a', 'b')]).when(add('depends_on', asset('b'), asset('a'))).thenThrows(IllegalStateError) as IllegalStateError;
  assert.equal(direct.details, { cycle: ['b', 'a', 'b'] });
  const mixed = spec
    .given([added('r1', 'runs_on', 'app', 'vm'), added('r2', 'runs_on', 'vm', 'host'), added('r3', 'part_of', 'host', 'rack')])
    .when(add('depends_on', asset('rack'), asset('app')))
    .thenThrows(IllegalStateError) as IllegalStateError;
  assert.equal(mixed.details, { cycle: ['rack', 'app', 'vm', 'host', 'rack'] });
});

test('connected_to may form loops: it carries no failure', () => {
  spec.given([added('r1', 'depends_on', 'a', 'b'), added('r2', 'connected_to', 'b', 'c')]).when(add('connected_to', asset('c'), asset('a'))).then([added('r-new', 'connected_to', 'c', 'a')]);
});

test('a removed edge no longer blocks, and removal is reached only through one of its ends', () => {
  const removed: RelationGraphEvent = { type: 'AssetRelationRemoved', data: { relationId: 'r1', at } };
  spec.given([added('r1', 'depends_on', 'a', 'b'), removed]).when(add('depends_on', asset('b'), asset('a'))).then([added('r-new', 'depends_on', 'b', 'a')]);
  spec.given([added('r1', 'depends_on', 'a', 'b')]).when({ type: 'RemoveAssetRelation', relationId: 'r1', assetId: 'b', now }).then([removed]);
  spec.given([added('r1', 'depends_on', 'a', 'b')]).when({ type: 'RemoveAssetRelation', relationId: 'r1', assetId: 'c', now }).thenThrows(NotFoundError);
  spec.given([added('r1', 'depends_on', 'a', 'b'), removed]).when({ type: 'RemoveAssetRelation', relationId: 'r1', assetId: 'a', now }).thenThrows(NotFoundError);
});

test.run();
