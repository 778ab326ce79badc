import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { storedUuid, storedUuidOrNull } from '../../src/projections/batched-writes.js';

const test = suite();

test('a uuid folded in memory is spelt as PostgreSQL gives it back', () => {
  const stored = '0b9e3c2a-5f1d-4e7a-9c3b-2d8f6a1e4b70';
  assert.is(storedUuid(stored), stored);
  assert.is(storedUuid(stored.toUpperCase()), stored);
  assert.is(storedUuid(`{${stored}}`), stored);
  assert.is(storedUuid(stored.replace(/-/g, '')), stored);
});

test('what is not a uuid is left for the database to refuse', () => {
  assert.is(storedUuid('not-a-uuid'), 'not-a-uuid');
  assert.is(storedUuid('0b9e3c2a-5f1d-4e7a-9c3b-2d8f6a1e4b7'), '0b9e3c2a-5f1d-4e7a-9c3b-2d8f6a1e4b7');
  assert.is(storedUuidOrNull(null), null);
  assert.is(storedUuidOrNull(undefined), null);
});

test.run();
