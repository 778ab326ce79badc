import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, UnauthorizedError } from '../../src/domain/errors.js';
import type { SessionEvent } from '../../src/domain/identity/index.js';
import { sessionDecider } from '../../src/domain/identity/index.js';
import { deciderSpec } from '../support/decider-spec.js';

/** A sign-in session: one family of rotating refresh tokens, revoked whole when a spent token comes back. */
const test = suite('session: refresh-token rotation');
const spec = deciderSpec(sessionDecider);
const now = new Date('2026-12-07T10:00:00.000Z');
const at = now.toISOString();
const expiresAt = new Date('2026-12-14T10:00:00.000Z');
const laterExpiry = new Date('2026-12-21T10:00:00.000Z');
const started: SessionEvent = {
  type: 'SessionStarted',
  data: { sessionId: 's1', userId: 'u1', tenantId: 't1', tokenHash: 'h0', expiresAt: expiresAt.toISOString(), startedAt: '2026-12-07T09:00:00.000Z', method: 'password' },
};
const rotated = (previousTokenHash: string, tokenHash: string): SessionEvent => ({
  type: 'SessionRefreshed',
  data: { tokenHash, previousTokenHash, expiresAt: expiresAt.toISOString(), at: '2026-12-07T09:30:00.000Z' },
});
const revoked = (reason: 'logout' | 'refresh_token_reused' | 'password_changed' | 'user_deactivated'): SessionEvent => ({
  type: 'SessionRevoked',
  data: { reason, at: '2026-12-07T09:45:00.000Z' },
});
const refresh = (presentedHash: string, newHash: string, when: Date = now) => ({ type: 'RefreshSession' as const, presentedHash, newHash, expiresAt: laterExpiry, now: when });

test('given no session, when started, then SessionStarted records the first token hash, its expiry and the method', () => {
  spec
    .given([])
    .when({ type: 'StartSession', sessionId: 's1', userId: 'u1', tenantId: 't1', tokenHash: 'h0', expiresAt, method: 'password', now })
    .then([{ type: 'SessionStarted', data: { sessionId: 's1', userId: 'u1', tenantId: 't1', tokenHash: 'h0', expiresAt: expiresAt.toISOString(), startedAt: at, method: 'password' } }]);
});

test('given a started or a revoked session, when started again, then refused as already existing', () => {
  const start = { type: 'StartSession' as const, sessionId: 's1', userId: 'u1', tenantId: 't1', tokenHash: 'h9', expiresAt, method: 'password', now };
  spec.given([started]).when(start).thenThrows(IllegalStateError, /already exists/);
  spec.given([started, revoked('logout')]).when(start).thenThrows(IllegalStateError, /already exists/);
});

test('given an active session, when its current token is presented before expiry, then it rotates to the new token', () => {
  spec.given([started]).when(refresh('h0', 'h1')).then([{ type: 'SessionRefreshed', data: { tokenHash: 'h1', previousTokenHash: 'h0', expiresAt: laterExpiry.toISOString(), at } }]);
});

test('given a session rotated once, when the new token is presented, then it rotates again', () => {
  spec.given([started, rotated('h0', 'h1')]).when(refresh('h1', 'h2')).then([{ type: 'SessionRefreshed', data: { tokenHash: 'h2', previousTokenHash: 'h1', expiresAt: laterExpiry.toISOString(), at } }]);
});

test('given a session rotated twice, then the state holds the newest hash and both spent ones', () => {
  const state = [started, rotated('h0', 'h1'), rotated('h1', 'h2')].reduce((folded, event) => sessionDecider.evolve(folded, event), sessionDecider.initialState());
  assert.equal(state, { status: 'active', userId: 'u1', tenantId: 't1', currentHash: 'h2', usedHashes: ['h0', 'h1'], expiresAt: expiresAt.toISOString() });
});

test('given a rotated session, when a spent token is presented again, then the whole family is revoked for reuse', () => {
  const reused: SessionEvent[] = [{ type: 'SessionRevoked', data: { reason: 'refresh_token_reused', at } }];
  spec.given([started, rotated('h0', 'h1')]).when(refresh('h0', 'hx')).then(reused);
  spec.given([started, rotated('h0', 'h1'), rotated('h1', 'h2')]).when(refresh('h1', 'hx')).then(reused);
});

test('given a rotated session past its expiry, when a spent token is presented, then it is still revoked for reuse', () => {
  spec.given([started, rotated('h0', 'h1')]).when(refresh('h0', 'hx', laterExpiry)).then([{ type: 'SessionRevoked', data: { reason: 'refresh_token_reused', at: laterExpiry.toISOString() } }]);
});

test('given a session revoked for reuse, when even the current token is presented, then refused as an invalid token', () => {
  spec.given([started, rotated('h0', 'h1'), revoked('refresh_token_reused')]).when(refresh('h1', 'h2')).thenThrows(UnauthorizedError, /invalid refresh token/);
});

test('given a logged-out session, when a spent token is presented, then refused without another revocation', () => {
  spec.given([started, rotated('h0', 'h1'), revoked('logout')]).when(refresh('h0', 'hx')).thenThrows(UnauthorizedError, /invalid refresh token/);
});

test('given an active session, when a token it never issued is presented, then refused as an invalid token', () => {
  spec.given([started]).when(refresh('unknown', 'h1')).thenThrows(UnauthorizedError, /invalid refresh token/);
});

test('given an active session, when its current token is presented at or after the expiry, then refused; a moment before, accepted', () => {
  spec.given([started]).when(refresh('h0', 'h1', expiresAt)).thenThrows(UnauthorizedError, /invalid refresh token/);
  spec.given([started]).when(refresh('h0', 'h1', new Date('2026-12-15T00:00:00.000Z'))).thenThrows(UnauthorizedError, /invalid refresh token/);
  const justBefore = new Date(expiresAt.getTime() - 1);
  spec.given([started]).when(refresh('h0', 'h1', justBefore)).then([{ type: 'SessionRefreshed', data: { tokenHash: 'h1', previousTokenHash: 'h0', expiresAt: laterExpiry.toISOString(), at: justBefore.toISOString() } }]);
});

test('given no session, when a token is presented, then refused as an invalid token', () => {
  spec.given([]).when(refresh('h0', 'h1')).thenThrows(UnauthorizedError, /invalid refresh token/);
});

test('given an active session, when revoked, then SessionRevoked carries the reason', () => {
  spec.given([started]).when({ type: 'RevokeSession', reason: 'logout', now }).then([{ type: 'SessionRevoked', data: { reason: 'logout', at } }]);
  spec.given([started, rotated('h0', 'h1')]).when({ type: 'RevokeSession', reason: 'password_changed', now }).then([{ type: 'SessionRevoked', data: { reason: 'password_changed', at } }]);
});

test('given a revoked session or no session, when revoked, then nothing is recorded', () => {
  spec.given([started, revoked('logout')]).when({ type: 'RevokeSession', reason: 'user_deactivated', now }).then([]);
  spec.given([]).when({ type: 'RevokeSession', reason: 'logout', now }).then([]);
});

test.run();
