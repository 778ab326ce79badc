import { suite } from '../support/suite.js';
import { ForbiddenError, IllegalStateError, UnauthorizedError, ValidationError } from '../../src/domain/errors.js';
import type { UserEvent } from '../../src/domain/identity/index.js';
import { userDecider } from '../../src/domain/identity/index.js';
import { deciderSpec } from '../support/decider-spec.js';

/** The user decider's second-factor rules, on codes the caller already checked (src/auth/). */
const test = suite('user: two-factor authentication');
const spec = deciderSpec(userDecider);
const now = new Date('2026-12-07T10:00:00.000Z');
const at = now.toISOString();
const SECRET = 'JBSWY3DPEHPK3PXP';
const registered: UserEvent = {
  type: 'UserRegistered',
  data: { userId: 'u1', tenantId: 't1', email: 'sam@example.org', name: 'Sam Reed', role: 'technician', passwordHash: 'h', registeredAt: '2026-11-01T00:00:00.000Z' },
};
const setUp: UserEvent = { type: 'MfaSetupStarted', data: { secret: SECRET, at } };
const enabled: UserEvent = { type: 'MfaEnabled', data: { recoveryCodeHashes: ['r0', 'r1'], step: 100, at } };
const totp = (step: number) => ({ secret: SECRET, totpStep: step, recoveryIndex: null });
const recovery = (index: number) => ({ secret: SECRET, totpStep: null, recoveryIndex: index });
const nothing = { secret: SECRET, totpStep: null, recoveryIndex: null };

test('given setup started, when a code of its secret is offered, then two-factor is on from that step', () => {
  spec.given([registered, setUp]).when({ type: 'EnableMfa', checked: totp(101), recoveryCodeHashes: ['r0', 'r1'], now }).then([{ type: 'MfaEnabled', data: { recoveryCodeHashes: ['r0', 'r1'], step: 101, at } }]);
});

test('given setup started, when the code matched nothing or another secret, then refused as a wrong code', () => {
  spec.given([registered, setUp]).when({ type: 'EnableMfa', checked: nothing, recoveryCodeHashes: [], now }).thenThrows(ValidationError, /does not match/);
  // Setup started again meanwhile: the code was checked against the secret it replaced.
  spec.given([registered, setUp]).when({ type: 'EnableMfa', checked: { ...totp(101), secret: 'OLDSECRETOLDSECR' }, recoveryCodeHashes: [], now }).thenThrows(ValidationError);
  spec.given([registered]).when({ type: 'EnableMfa', checked: totp(101), recoveryCodeHashes: [], now }).thenThrows(IllegalStateError, /start two-factor setup/);
});

test('given two-factor on, when signing in with a newer step, then the step is used up; the same or an older one is refused', () => {
  spec.given([registered, setUp, enabled]).when({ type: 'VerifyMfaCode', checked: totp(101), now }).then([{ type: 'MfaCodeAccepted', data: { step: 101, at } }]);
  spec.given([registered, setUp, enabled]).when({ type: 'VerifyMfaCode', checked: totp(100), now }).thenThrows(UnauthorizedError, /invalid code/);
  spec.given([registered, setUp, enabled, { type: 'MfaCodeAccepted', data: { step: 103, at } }]).when({ type: 'VerifyMfaCode', checked: totp(102), now }).thenThrows(UnauthorizedError);
});

test('given two-factor on, when a recovery code is offered, then it is used once and refused the second time', () => {
  spec.given([registered, setUp, enabled]).when({ type: 'VerifyMfaCode', checked: recovery(1), now }).then([{ type: 'MfaRecoveryCodeUsed', data: { index: 1, at } }]);
  spec.given([registered, setUp, enabled, { type: 'MfaRecoveryCodeUsed', data: { index: 1, at } }]).when({ type: 'VerifyMfaCode', checked: recovery(1), now }).thenThrows(UnauthorizedError);
  spec.given([registered, setUp, enabled]).when({ type: 'VerifyMfaCode', checked: recovery(7), now }).thenThrows(UnauthorizedError);
});

test('given two-factor on, when disabled with a valid code, then the code is used up and two-factor is off; without one, refused', () => {
  spec.given([registered, setUp, enabled]).when({ type: 'DisableMfa', checked: totp(104), now }).then([
    { type: 'MfaCodeAccepted', data: { step: 104, at } },
    { type: 'MfaDisabled', data: { at } },
  ]);
  spec.given([registered, setUp, enabled]).when({ type: 'DisableMfa', checked: nothing, now }).thenThrows(ForbiddenError, /does not match/);
  spec.given([registered, setUp]).when({ type: 'DisableMfa', checked: totp(104), now }).thenThrows(IllegalStateError, /not on/);
});

test.run();
