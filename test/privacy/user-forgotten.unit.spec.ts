import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, UnauthorizedError } from '../../src/domain/errors.js';
import type { UserEvent } from '../../src/domain/identity/index.js';
import { FORGOTTEN_NAME, forgottenEmail, userDecider } from '../../src/domain/identity/index.js';
import { deciderSpec } from '../support/decider-spec.js';

const test = suite('user: forgetting');
const spec = deciderSpec(userDecider);
const now = new Date('2026-11-20T10:00:00.000Z');
const registered: UserEvent = {
  type: 'UserRegistered',
  data: { userId: 'u1', tenantId: 't1', email: 'sam@example.org', name: 'Sam Reed', role: 'user', passwordHash: 'h', registeredAt: '2026-11-01T00:00:00.000Z' },
};
const forgotten: UserEvent = { type: 'UserForgotten', data: { at: now.toISOString() } };

test('given a registered user, when forgotten, then UserForgotten carries no personal data', () => {
  spec.given([registered]).when({ type: 'ForgetUser', now }).then([forgotten]);
});

test('given a forgotten user, then the state holds the markers and stays deactivated', () => {
  const state = [registered, forgotten].reduce(userDecider.evolve, userDecider.initialState());
  assert.ok(state.status === 'deactivated' && state.forgotten);
  assert.is(state.status === 'deactivated' ? state.name : null, FORGOTTEN_NAME);
  assert.is(state.status === 'deactivated' ? state.email : null, forgottenEmail('u1'));
});

test('given a forgotten user, when forgotten again or reactivated or renamed, then refused', () => {
  spec.given([registered, forgotten]).when({ type: 'ForgetUser', now }).thenThrows(IllegalStateError, /forgotten/);
  spec.given([registered, forgotten]).when({ type: 'ReactivateUser', now }).thenThrows(IllegalStateError, /forgotten/);
  spec.given([registered, forgotten]).when({ type: 'UpdateUserProfile', name: 'Back Again', now }).thenThrows(IllegalStateError, /forgotten/);
});

test('given a forgotten user, when a second factor is tried, then it is just bad credentials', () => {
  spec.given([registered, forgotten]).when({ type: 'VerifyMfaCode', checked: { secret: 'JBSWY3DPEHPK3PXP', totpStep: 1, recoveryIndex: null }, now }).thenThrows(UnauthorizedError);
});

test.run();
