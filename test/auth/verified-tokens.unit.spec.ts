import { randomBytes } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { AccessTokens } from '../../src/auth/access-tokens.js';
import type { AccessClaims, AccessSubject, AccessTokenVerifier, SigningKey } from '../../src/auth/access-tokens.js';
import { VerifiedTokens } from '../../src/auth/verified-tokens.js';
import { UnauthorizedError } from '../../src/domain/errors.js';

const start = new Date('2026-11-25T10:00:00.000Z');
const active: SigningKey = { id: 'k-active', secret: randomBytes(32) };
const rotated: SigningKey = { id: 'k-rotated', secret: randomBytes(32) };
const subject: AccessSubject = { userId: 'user-1', tenantId: 'tenant-1', role: 'technician', sessionId: 'session-1' };

interface Setup {
  now: Date;
  /** Full verifications the cache asked for. */
  verifications: number;
  issuer: AccessTokens;
  cached: VerifiedTokens;
}

/** A cache over real access tokens (ttl 10 min) whose verifications are counted, on a clock the test moves. */
function setup(options: { keys?: readonly SigningKey[]; maxEntries?: number } = {}): Setup {
  const state = { now: start, verifications: 0 } as Setup;
  let ids = 0;
  state.issuer = new AccessTokens({ keys: options.keys ?? [active, rotated], issuer: 'https://itsm.example', audience: 'itsm-api', ttlSeconds: 600, clock: () => state.now, newId: () => `jti-${++ids}` });
  const counting: AccessTokenVerifier = {
    verify(token) {
      state.verifications += 1;
      return state.issuer.verify(token);
    },
  };
  state.cached = new VerifiedTokens({ verifier: counting, clock: () => state.now, maxEntries: options.maxEntries });
  return state;
}

function advance(state: Setup, ms: number): void {
  state.now = new Date(state.now.getTime() + ms);
}

function refused(verify: () => AccessClaims): boolean {
  try {
    verify();
    return false;
  } catch (error) {
    return error instanceof UnauthorizedError;
  }
}

const test = suite('verified access tokens: cached in this process');

test('given a token verified once, when it comes again, then it is answered from the cache with the same claims', () => {
  const state = setup();
  const { token, claims } = state.issuer.issue(subject);
  for (let i = 0; i < 5; i += 1) assert.equal(state.cached.verify(token), claims);
  assert.is(state.verifications, 1);
});

test('given a cached token, when it has expired, then it is checked in full again and refused', () => {
  const state = setup();
  const { token } = state.issuer.issue(subject);
  state.cached.verify(token);
  advance(state, 50_000);
  state.cached.verify(token);
  assert.is(state.verifications, 1, 'still cached just before');
  // Past exp the entry is gone: the full check decides, with its clock tolerance, as without a cache.
  advance(state, 600_000 - 50_000);
  state.cached.verify(token);
  assert.is(state.verifications, 2, 'at exp the full check answers');
  advance(state, 5_000);
  assert.ok(refused(() => state.cached.verify(token)));
  assert.is(state.verifications, 3);
});

test('given a cached token, when the max age (60 s) has passed, then it is verified in full again', () => {
  const state = setup();
  const { token } = state.issuer.issue(subject);
  state.cached.verify(token);
  advance(state, 59_999);
  state.cached.verify(token);
  assert.is(state.verifications, 1);
  advance(state, 1);
  state.cached.verify(token);
  assert.is(state.verifications, 2);
});

test('given a token signed with a key, when that key is retired (the keys listed without it), then the token is refused though it was cached before', () => {
  const before = setup({ keys: [active, rotated] });
  const { token } = new AccessTokens({ keys: [rotated], issuer: 'https://itsm.example', audience: 'itsm-api', ttlSeconds: 600, clock: () => before.now, newId: () => 'jti-old' }).issue(subject);
  before.cached.verify(token);
  before.cached.verify(token);
  assert.is(before.verifications, 1, 'cached while the key was listed');
  // Retiring a key is a restart with a shorter list: a new verifier, and a new cache with it.
  const after = setup({ keys: [active] });
  assert.ok(refused(() => after.cached.verify(token)));
  assert.ok(refused(() => after.cached.verify(token)));
  assert.is(after.verifications, 2, 'a refusal is not cached either');
});

test('given a forged token, when it comes again and again, then each is checked in full and none is kept', () => {
  const state = setup();
  const { token } = state.issuer.issue(subject);
  const forged = `${token.slice(0, -4)}AAAA`;
  for (let i = 0; i < 3; i += 1) assert.ok(refused(() => state.cached.verify(forged)));
  assert.is(state.verifications, 3);
  assert.is(state.cached.size, 0);
});

test('given a full cache, when another token comes, then the least recently used one is dropped', () => {
  const state = setup({ maxEntries: 2 });
  const [a, b, c] = [1, 2, 3].map(() => state.issuer.issue(subject).token) as [string, string, string];
  state.cached.verify(a);
  state.cached.verify(b);
  state.cached.verify(a);
  state.cached.verify(c);
  assert.is(state.cached.size, 2);
  assert.is(state.verifications, 3);
  state.cached.verify(a);
  assert.is(state.verifications, 3, 'a was used recently and kept');
  state.cached.verify(b);
  assert.is(state.verifications, 4, 'b was dropped');
});

test('given cached claims, when a reader changes its copy, then the next reader does not see it', () => {
  const state = setup();
  const { token, claims } = state.issuer.issue(subject);
  state.cached.verify(token).expiresAt.setTime(0);
  assert.equal(state.cached.verify(token).expiresAt, claims.expiresAt);
});

test.run();
