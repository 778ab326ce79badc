import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { AccessTokens } from '../../src/auth/access-tokens.js';
import type { AccessSubject, SigningKey } from '../../src/auth/access-tokens.js';
import { UnauthorizedError } from '../../src/domain/errors.js';

const issuer = 'https://itsm.example';
const audience = 'itsm-api';
const start = new Date('2026-11-25T10:00:00.000Z');
const active: SigningKey = { id: 'k-active', secret: randomBytes(32) };
const rotated: SigningKey = { id: 'k-rotated', secret: randomBytes(32) };
const subject: AccessSubject = { userId: 'user-1', tenantId: 'tenant-1', role: 'technician', sessionId: 'session-1' };

interface Setup {
  now: Date;
  tokens: AccessTokens;
}

function setup(overrides: Partial<ConstructorParameters<typeof AccessTokens>[0]> = {}): Setup {
  const state: Setup = { now: start, tokens: undefined as unknown as AccessTokens };
  let ids = 0;
  state.tokens = new AccessTokens({ keys: [active, rotated], issuer, audience, ttlSeconds: 600, clock: () => state.now, newId: () => `jti-${++ids}`, ...overrides });
  return state;
}

function later(seconds: number): Date {
  return new Date(start.getTime() + seconds * 1000);
}

function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** Builds a token byte by byte so tests control header, payload and signature independently of jsonwebtoken. */
function handMade(header: Record<string, unknown>, payload: Record<string, unknown>, secret: Buffer | string | null): string {
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  const signature = secret === null ? '' : createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

function validPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(start.getTime() / 1000);
  return { iss: issuer, aud: audience, sub: 'user-1', tid: 'tenant-1', role: 'technician', sid: 'session-1', jti: 'jti-x', iat, exp: iat + 600, typ: 'access', ...overrides };
}

function signedByActive(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return handMade({ alg: 'HS256', typ: 'JWT', kid: active.id, ...header }, payload, active.secret);
}

function assertRefused(tokens: AccessTokens, token: string): void {
  let thrown: unknown;
  try {
    tokens.verify(token);
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof UnauthorizedError, `expected UnauthorizedError, got ${String(thrown)}`);
  // The same words for every failure, so a caller learns nothing about which check tripped.
  assert.is(thrown.message, 'invalid or expired access token');
}

function decodeSegment(token: string, index: number): unknown {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'));
}

const test = suite('access tokens');

test('round trip preserves claims', () => {
  const { tokens } = setup();
  const issued = tokens.issue(subject);
  assert.equal(issued.claims, { ...subject, tokenId: 'jti-1', issuedAt: start, expiresAt: later(600) });
  assert.is(issued.expiresIn, 600);
  assert.equal(tokens.verify(issued.token), issued.claims);
});

test('lays the token out as an HS256 JWT with the agreed claim names', () => {
  const { tokens } = setup();
  const { token } = tokens.issue(subject);
  assert.equal(decodeSegment(token, 0), { alg: 'HS256', typ: 'JWT', kid: active.id });
  assert.equal(decodeSegment(token, 1), validPayload({ jti: 'jti-1' }));
});

test('truncates issue time to whole seconds so issued and verified claims agree', () => {
  const state = setup();
  state.now = new Date(start.getTime() + 999);
  const issued = state.tokens.issue(subject);
  assert.equal(issued.claims.issuedAt, start);
  assert.equal(state.tokens.verify(issued.token), issued.claims);
});

test('refuses a ttl above 900 seconds, below 1 second or fractional', () => {
  for (const ttlSeconds of [901, 3600, 0, -1, 1.5, Number.NaN]) {
    assert.throws(() => setup({ ttlSeconds }), RangeError, `ttl ${ttlSeconds}`);
  }
  setup({ ttlSeconds: 900 });
  setup({ ttlSeconds: 1 });
});

test('refuses signing keys shorter than 32 bytes, an empty key list and duplicate key ids', () => {
  assert.throws(() => setup({ keys: [{ id: 'short', secret: randomBytes(31) }] }), RangeError);
  assert.throws(() => setup({ keys: [active, { id: 'short', secret: randomBytes(16) }] }), RangeError);
  assert.throws(() => setup({ keys: [] }), RangeError);
  assert.throws(() => setup({ keys: [active, { id: active.id, secret: randomBytes(32) }] }), RangeError);
  assert.throws(() => setup({ keys: [{ id: 'bad kid!', secret: randomBytes(32) }] }), RangeError);
});

test('refuses an empty issuer or audience, which would silently disable those checks', () => {
  assert.throws(() => setup({ issuer: '' }), RangeError);
  assert.throws(() => setup({ audience: '' }), RangeError);
});

test('is not affected by later changes to the caller-owned secret buffer', () => {
  const secret = randomBytes(32);
  const { tokens } = setup({ keys: [{ id: 'k1', secret }] });
  const { token } = tokens.issue(subject);
  secret.fill(0);
  assert.is(tokens.verify(token).userId, 'user-1');
});

test('refuses a token once the clock has moved past its expiry and the 5 s tolerance', () => {
  const state = setup();
  const { token } = state.tokens.issue(subject);
  state.now = later(600 + 4);
  state.tokens.verify(token);
  state.now = later(600 + 5);
  assertRefused(state.tokens, token);
  state.now = later(86_400);
  assertRefused(state.tokens, token);
});

test('refuses a token issued more than 5 s in the future', () => {
  const state = setup();
  state.now = later(6);
  const { token } = state.tokens.issue(subject);
  state.now = start;
  assertRefused(state.tokens, token);
  state.now = later(1);
  state.tokens.verify(token);
});

test('refuses a token minted for another audience', () => {
  const { tokens } = setup();
  const foreign = setup({ audience: 'reporting-api' }).tokens.issue(subject).token;
  assertRefused(tokens, foreign);
});

test('refuses an audience given as a list, even one that contains ours', () => {
  const { tokens } = setup();
  assertRefused(tokens, signedByActive(validPayload({ aud: [audience, 'other'] })));
});

test('refuses a token minted by another issuer', () => {
  const { tokens } = setup();
  const foreign = setup({ issuer: 'https://evil.example' }).tokens.issue(subject).token;
  assertRefused(tokens, foreign);
});

test('refuses a token whose header says alg none', () => {
  const { tokens } = setup();
  assertRefused(tokens, handMade({ alg: 'none', typ: 'JWT', kid: active.id }, validPayload(), null));
  assertRefused(tokens, handMade({ alg: 'none', typ: 'JWT' }, validPayload(), null));
  assertRefused(tokens, handMade({ alg: 'NONE', typ: 'JWT', kid: active.id }, validPayload(), null));
});

test('refuses a token signed RS256 with an RSA key pair', () => {
  const { tokens } = setup();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const token = jwt.sign(validPayload(), privateKey, { algorithm: 'RS256', keyid: active.id });
  assertRefused(tokens, token);
});

test('refuses an HS256 token whose HMAC secret is an RSA public key PEM (key confusion)', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const { tokens } = setup();
  assertRefused(tokens, handMade({ alg: 'HS256', typ: 'JWT', kid: active.id }, validPayload(), pem));
  // Even when the server itself is (mis)configured with that PEM as a key, the token must name the
  // right kid and be HS256 over exactly that secret; an RS256 header with the PEM is still refused.
  const pemKey: SigningKey = { id: 'k-pem', secret: Buffer.from(pem) };
  const confused = setup({ keys: [pemKey] }).tokens;
  assertRefused(confused, handMade({ alg: 'RS256', typ: 'JWT', kid: 'k-pem' }, validPayload(), pem));
});

test('refuses a token naming a key id we do not know', () => {
  const { tokens } = setup();
  assertRefused(tokens, handMade({ alg: 'HS256', typ: 'JWT', kid: 'k-unknown' }, validPayload(), active.secret));
  assertRefused(tokens, handMade({ alg: 'HS256', typ: 'JWT', kid: '__proto__' }, validPayload(), active.secret));
});

test('refuses a token without a key id', () => {
  const { tokens } = setup();
  assertRefused(tokens, handMade({ alg: 'HS256', typ: 'JWT' }, validPayload(), active.secret));
  assertRefused(tokens, handMade({ alg: 'HS256', typ: 'JWT', kid: 7 }, validPayload(), active.secret));
});

test('accepts a well-formed hand-made token, so the refusals above are about what they change', () => {
  const { tokens } = setup();
  assert.is(tokens.verify(signedByActive(validPayload())).tokenId, 'jti-x');
});

test('refuses a token whose payload was changed to role admin while keeping the signature', () => {
  const { tokens } = setup();
  const [header, , signature] = tokens.issue(subject).token.split('.');
  const forged = `${header}.${base64url(validPayload({ jti: 'jti-1', role: 'admin' }))}.${signature}`;
  assertRefused(tokens, forged);
});

test('verifies a token signed by a rotated-out key that is still listed', () => {
  const old = setup({ keys: [rotated] }).tokens.issue(subject);
  const { tokens } = setup();
  assert.equal(tokens.verify(old.token), old.claims);
});

test('refuses a token signed by a key that is no longer listed', () => {
  const retired: SigningKey = { id: 'k-retired', secret: randomBytes(32) };
  const { token } = setup({ keys: [retired] }).tokens.issue(subject);
  assertRefused(setup().tokens, token);
  // Same kid as one of ours, different secret: the kid alone grants nothing.
  const impostor = setup({ keys: [{ id: active.id, secret: randomBytes(32) }] }).tokens.issue(subject).token;
  assertRefused(setup().tokens, impostor);
});

test('refuses opaque strings such as a refresh token', () => {
  const { tokens } = setup();
  for (const junk of [`${randomUUID()}.${randomBytes(32).toString('base64url')}`, '', 'a.b.c', '...', 'not a token', `${base64url({ alg: 'HS256', kid: active.id })}.e30`]) {
    assertRefused(tokens, junk);
  }
});

test('refuses a token whose typ is not access', () => {
  const { tokens } = setup();
  for (const typ of ['refresh', 'ACCESS', undefined, 1]) {
    assertRefused(tokens, signedByActive(validPayload({ typ })));
  }
});

test('refuses a role that is not in the role list', () => {
  const { tokens } = setup();
  for (const role of ['superuser', 'Admin', '', undefined, ['admin']]) {
    assertRefused(tokens, signedByActive(validPayload({ role })));
  }
});

test('refuses tokens missing a claim or carrying one of the wrong type', () => {
  const { tokens } = setup();
  for (const claim of ['iss', 'aud', 'sub', 'tid', 'sid', 'jti', 'iat', 'exp']) {
    assertRefused(tokens, signedByActive(validPayload({ [claim]: undefined })));
  }
  for (const claim of ['sub', 'tid', 'sid', 'jti']) {
    assertRefused(tokens, signedByActive(validPayload({ [claim]: '' })));
    assertRefused(tokens, signedByActive(validPayload({ [claim]: 42 })));
  }
  const iat = Math.floor(start.getTime() / 1000);
  assertRefused(tokens, signedByActive(validPayload({ iat: String(iat) })));
  assertRefused(tokens, signedByActive(validPayload({ exp: String(iat + 600) })));
  assertRefused(tokens, signedByActive(validPayload({ exp: iat + 600.5 })));
});

test('refuses a token whose lifetime exceeds 15 minutes even when signed by our key', () => {
  const { tokens } = setup();
  const iat = Math.floor(start.getTime() / 1000);
  assertRefused(tokens, signedByActive(validPayload({ exp: iat + 901 })));
  assertRefused(tokens, signedByActive(validPayload({ exp: iat })));
  tokens.verify(signedByActive(validPayload({ exp: iat + 900 })));
});

test('refuses a token longer than 4 KiB without looking further', () => {
  const { tokens } = setup();
  const sized = (padding: number): string => signedByActive(validPayload({ pad: 'x'.repeat(padding) }));
  const overhead = sized(0).length;
  // Base64url grows the padding by 4/3, so aim just below and just above the limit.
  const fits = sized(Math.floor(((4096 - overhead) * 3) / 4));
  assert.ok(fits.length <= 4096, `${fits.length}`);
  tokens.verify(fits);
  const tooLong = sized(Math.ceil(((4096 - overhead) * 3) / 4) + 3);
  assert.ok(tooLong.length > 4096, `${tooLong.length}`);
  assertRefused(tokens, tooLong);
});

test('refuses a token with a valid signature from a different key over the same kid', () => {
  const { tokens } = setup();
  assertRefused(tokens, handMade({ alg: 'HS256', typ: 'JWT', kid: rotated.id }, validPayload(), active.secret));
});

test.run();
