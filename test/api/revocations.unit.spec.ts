import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { AccessClaims } from '../../src/auth/access-tokens.js';
import type { AppContext } from '../../src/api/context.js';
import { lookUpRevocationsEarly, revocationsOf } from '../../src/api/identity/revocations.js';
import type { TokenDenyList } from '../../src/volatile/index.js';
import { VolatileStateUnavailableError } from '../../src/volatile/index.js';
import { caught } from '../support/events.js';

const test = suite('revocation lookups started early');

const claims: AccessClaims = {
  userId: 'u-1',
  tenantId: 't-1',
  role: 'technician',
  sessionId: 's-1',
  tokenId: 'j-1',
  issuedAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: new Date('2026-01-01T00:15:00Z'),
};

/** A deny list that counts its lookups and answers what it holds at the moment it is asked. */
function countingDenyList(held: { session: boolean; before: Date | null; down?: boolean }) {
  const asked: string[] = [];
  const answer = <T>(value: () => T): Promise<T> => (held.down ? Promise.reject(new VolatileStateUnavailableError('check', new Error('down'))) : Promise.resolve(value()));
  const denyList: TokenDenyList = {
    deny: () => Promise.resolve(),
    denyAllBefore: () => Promise.resolve(),
    isDenied: (tokenId) => {
      asked.push(tokenId);
      return answer(() => held.session);
    },
    deniedBefore: (subject) => {
      asked.push(subject);
      return answer(() => held.before);
    },
  };
  return { denyList, asked };
}

const request = (method: string) => ({ method }) as AppContext;

test('a read asks the deny list once: authentication takes the answer started early', async () => {
  const { denyList, asked } = countingDenyList({ session: true, before: null });
  const ctx = request('GET');
  lookUpRevocationsEarly(ctx, denyList, claims);
  assert.equal(asked, ['session:s-1', 'user:u-1'], 'asked at once, in the same tick');
  assert.equal(await revocationsOf(ctx, denyList, claims), { sessionRevoked: true, userRevokedBefore: null });
  assert.is(asked.length, 2);
});

test('a command is looked up at authentication, so a revocation made while its body arrives still stops it', async () => {
  const held = { session: false, before: null };
  const { denyList, asked } = countingDenyList(held);
  const ctx = request('POST');
  lookUpRevocationsEarly(ctx, denyList, claims);
  assert.equal(asked, []);
  held.session = true;
  assert.equal(await revocationsOf(ctx, denyList, claims), { sessionRevoked: true, userRevokedBefore: null });
});

test('a failed early lookup nobody waits for leaves no unhandled rejection; one waited for rejects with the store error', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const { denyList } = countingDenyList({ session: false, before: null, down: true });
    lookUpRevocationsEarly(request('GET'), denyList, claims);
    const waited = request('GET');
    lookUpRevocationsEarly(waited, denyList, claims);
    assert.instance(await caught(() => revocationsOf(waited, denyList, claims)), VolatileStateUnavailableError);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('an early answer for other claims or another deny list is not used', async () => {
  const early = countingDenyList({ session: true, before: null });
  const own = countingDenyList({ session: false, before: new Date('2025-12-31T00:00:00Z') });
  const ctx = request('GET');
  lookUpRevocationsEarly(ctx, early.denyList, claims);
  assert.equal(await revocationsOf(ctx, own.denyList, claims), { sessionRevoked: false, userRevokedBefore: new Date('2025-12-31T00:00:00Z') });
  const again = request('GET');
  lookUpRevocationsEarly(again, early.denyList, claims);
  assert.equal(await revocationsOf(again, early.denyList, { ...claims, sessionId: 's-2' }), { sessionRevoked: true, userRevokedBefore: null });
  assert.equal(early.asked.slice(-2), ['session:s-2', 'user:u-1']);
});

test.run();
