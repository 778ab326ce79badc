import { randomBytes } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { fieldContext, isSealed, open, seal } from '../../src/privacy/envelope.js';
import { MasterKeyRing, parseMasterKeys } from '../../src/privacy/master-keys.js';
import { personalFieldsOf } from '../../src/privacy/personal-fields.js';

const test = suite('personal data envelopes and keys');

test('a sealed field opens with its key and its place, and with nothing else', () => {
  const key = randomBytes(32);
  const sealed = seal(key, 'u1', fieldContext('e1', 'name'), 'Robin Vale');
  assert.ok(isSealed(sealed));
  assert.not.ok(JSON.stringify(sealed).includes('Robin'));
  assert.is(open(key, sealed, fieldContext('e1', 'name')), 'Robin Vale');
  assert.throws(() => open(key, sealed, fieldContext('e2', 'name')), 'moved to another event');
  assert.throws(() => open(key, sealed, fieldContext('e1', 'email')), 'moved to another field');
  assert.throws(() => open(randomBytes(32), sealed, fieldContext('e1', 'name')), 'another key');
});

test('two seals of the same value differ (fresh IV each time)', () => {
  const key = randomBytes(32);
  assert.is.not(seal(key, 'u1', 'c', 'same').ct, seal(key, 'u1', 'c', 'same').ct);
});

test('plain values and look-alikes are not taken for sealed ones', () => {
  assert.not.ok(isSealed('Robin'));
  assert.not.ok(isSealed(null));
  assert.not.ok(isSealed({ enc: 'A256GCM', sub: 'u1' }));
});

test('the master key ring wraps with the first key and refuses a key wrapped for another subject', () => {
  const ring = new MasterKeyRing([{ id: 'a', secret: randomBytes(32) }]);
  const dataKey = randomBytes(32);
  const wrapped = ring.wrap(dataKey, 'u1');
  assert.is(wrapped.masterKeyId, 'a');
  assert.ok(ring.unwrap(wrapped, 'u1').equals(dataKey));
  assert.throws(() => ring.unwrap(wrapped, 'u2'));
});

test('master keys from config: kid:base64 pairs, each at least 32 bytes, ids unique', () => {
  const secret = randomBytes(32).toString('base64');
  assert.instance(parseMasterKeys(`k1:${secret},k0:${randomBytes(48).toString('base64')}`), MasterKeyRing);
  assert.throws(() => parseMasterKeys('k1'), /has no ":"/);
  assert.throws(() => parseMasterKeys(`k1:${randomBytes(16).toString('base64')}`), /at least 32 bytes/);
  assert.throws(() => parseMasterKeys(`k1:${secret},k1:${secret}`), /appears twice/);
  assert.throws(() => parseMasterKeys(`bad id:${secret}`), /key id/);
});

test('the events that carry a person’s name or email name their subject', () => {
  assert.equal(personalFieldsOf({ type: 'UserRegistered', data: { userId: 'u1', name: 'n', email: 'e' } }, 'user-u1'), { subjectId: 'u1', fields: ['name', 'email'] });
  assert.equal(personalFieldsOf({ type: 'UserProfileUpdated', data: { name: 'n', email: 'e' } }, 'user-u2'), { subjectId: 'u2', fields: ['name', 'email'] });
  assert.equal(personalFieldsOf({ type: 'UserEmailReserved', data: { userId: 'u3', email: 'e' } }, 'useremail-t:abc'), { subjectId: 'u3', fields: ['email'] });
  assert.is(personalFieldsOf({ type: 'TicketOpened', data: { title: 't' } }, 'ticket-1'), null);
});

test.run();
