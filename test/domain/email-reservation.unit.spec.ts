import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ConflictError } from '../../src/domain/errors.js';
import type { EmailReservationEvent } from '../../src/domain/identity/index.js';
import { emailReservationDecider, emailReservationStream } from '../../src/domain/identity/index.js';
import { deciderSpec } from '../support/decider-spec.js';

/** An email address belongs to at most one user per tenant: one reservation stream per (tenant, address). */
const test = suite('email reservation');
const spec = deciderSpec(emailReservationDecider);
const email = 'sam@example.org';
const reservedBy = (userId: string): EmailReservationEvent => ({ type: 'UserEmailReserved', data: { email, userId } });
const releasedBy = (userId: string): EmailReservationEvent => ({ type: 'UserEmailReleased', data: { userId } });

test('given a free address, when a user reserves it, then UserEmailReserved', () => {
  spec.given([]).when({ type: 'ReserveEmail', email, userId: 'u1' }).then([reservedBy('u1')]);
});

test('given an address held by a user, when the same user reserves it again, then nothing is recorded', () => {
  spec.given([reservedBy('u1')]).when({ type: 'ReserveEmail', email, userId: 'u1' }).then([]);
});

test('given an address held by a user, when another user reserves it, then refused as a conflict', () => {
  spec.given([reservedBy('u1')]).when({ type: 'ReserveEmail', email, userId: 'u2' }).thenThrows(ConflictError, /a user with this email address already exists/);
});

test('given an address held by a user, when that user releases it, then UserEmailReleased', () => {
  spec.given([reservedBy('u1')]).when({ type: 'ReleaseEmail', userId: 'u1' }).then([releasedBy('u1')]);
});

test('given an address held by a user, when another user releases it, then nothing is recorded and it stays held', () => {
  spec.given([reservedBy('u1')]).when({ type: 'ReleaseEmail', userId: 'u2' }).then([]);
  spec.given([reservedBy('u1')]).when({ type: 'ReserveEmail', email, userId: 'u2' }).thenThrows(ConflictError);
});

test('given a free or released address, when released, then nothing is recorded', () => {
  spec.given([]).when({ type: 'ReleaseEmail', userId: 'u1' }).then([]);
  spec.given([reservedBy('u1'), releasedBy('u1')]).when({ type: 'ReleaseEmail', userId: 'u1' }).then([]);
});

test('given a released address, when another user reserves it, then UserEmailReserved for them', () => {
  spec.given([reservedBy('u1'), releasedBy('u1')]).when({ type: 'ReserveEmail', email, userId: 'u2' }).then([reservedBy('u2')]);
});

test('given reservations and releases, then the state names the current holder or none', () => {
  const fold = (events: EmailReservationEvent[]) => events.reduce((folded, event) => emailReservationDecider.evolve(folded, event), emailReservationDecider.initialState());
  assert.equal(fold([]), { heldBy: null });
  assert.equal(fold([reservedBy('u1')]), { heldBy: 'u1' });
  assert.equal(fold([reservedBy('u1'), releasedBy('u1')]), { heldBy: null });
  assert.equal(fold([reservedBy('u1'), releasedBy('u1'), reservedBy('u2')]), { heldBy: 'u2' });
});

test('given an address, when its stream is named, then the id is per tenant and carries a digest, not the address', () => {
  const stream = emailReservationStream('t1', email);
  assert.match(stream, /^useremail-t1:[0-9a-f]{40}$/);
  assert.not.ok(stream.includes('sam'));
  assert.is(emailReservationStream('t1', email), stream);
  assert.is.not(emailReservationStream('t2', email), stream);
  assert.is.not(emailReservationStream('t1', 'kim@example.org'), stream);
});

test.run();
