import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { UserEvent } from '../../src/domain/identity/index.js';
import type { Role } from '../../src/domain/permissions.js';
import { FORGOTTEN_NAME, forgottenEmail } from '../../src/domain/identity/index.js';
import { usersProjection } from '../../src/projections/users/index.js';
import { areApprovers, getUser, isActiveUser, isAssignableAgent, listUsers, userIdByEmail } from '../../src/projections/users/queries.js';
import type { ProjectionSpec } from '../support/projection-spec.js';
import { EventLog, projectionSpec, rowsBothWays } from '../support/projection-spec.js';
import { suite } from '../support/suite.js';

interface Context {
  spec: ProjectionSpec;
  log: EventLog;
}

const test = suite<Context>('users projection');

test.before.each(async (context) => {
  context.spec = await projectionSpec(usersProjection);
  context.log = new EventLog();
});
test.after.each(async (context) => {
  await context.spec.drop();
});

const TENANT = randomUUID();
const OTHER_TENANT = randomUUID();
const ADMIN = randomUUID();
const registeredAt = '2026-11-01T08:00:00.000Z';
const at = '2026-12-01T10:00:00.000Z';

const registered = (userId: string, overrides: Partial<{ tenantId: string; email: string; name: string; role: Role }> = {}): UserEvent => ({
  type: 'UserRegistered',
  data: { userId, tenantId: TENANT, email: `${userId.slice(0, 8)}@example.org`, name: 'Sam Reed', role: 'technician', passwordHash: 'h', registeredAt, ...overrides },
});

function record(context: Context, userId: string, events: readonly UserEvent[], tenantId = TENANT) {
  return context.log.record(`user-${userId}`, events, { tenantId, actorId: ADMIN, occurredAt: at });
}

test('given a user registered, then the row shows who they are, active, without two-factor, at revision 0', async (context) => {
  const id = randomUUID();
  await context.spec.apply(record(context, id, [registered(id, { email: 'sam@example.org', role: 'manager' })]));
  assert.equal(await getUser(context.spec.knex, TENANT, id), {
    id,
    email: 'sam@example.org',
    name: 'Sam Reed',
    role: 'manager',
    status: 'active',
    mfaEnabled: false,
    registeredAt,
    updatedAt: registeredAt,
    version: 0,
  });
});

test('given registered and renamed, then the row shows the new name and email, updated when the command ran', async (context) => {
  const id = randomUUID();
  await context.spec.apply(record(context, id, [registered(id), { type: 'UserProfileUpdated', data: { name: 'Sam Reed-Okafor', email: 'sam.ro@example.org', updatedAt: at } }]));
  const user = await getUser(context.spec.knex, TENANT, id);
  assert.is(user?.name, 'Sam Reed-Okafor');
  assert.is(user?.email, 'sam.ro@example.org');
  assert.is(user?.updatedAt, at);
  assert.is(user?.version, 1);
  assert.is(await userIdByEmail(context.spec.knex, TENANT, 'sam.ro@example.org'), id);
});

test('given a role change, deactivation and reactivation, then the row follows each', async (context) => {
  const id = randomUUID();
  await context.spec.apply(record(context, id, [registered(id, { role: 'technician' }), { type: 'UserRoleChanged', data: { role: 'user', previousRole: 'technician', changedAt: at } }]));
  assert.is((await getUser(context.spec.knex, TENANT, id))?.role, 'user');
  assert.is(await isAssignableAgent(context.spec.knex, TENANT, id), false);

  await context.spec.apply(record(context, id, [{ type: 'UserRoleChanged', data: { role: 'technician', previousRole: 'user', changedAt: at } }]));
  assert.is(await isAssignableAgent(context.spec.knex, TENANT, id), true);

  await context.spec.apply(record(context, id, [{ type: 'UserDeactivated', data: { at } }]));
  assert.is((await getUser(context.spec.knex, TENANT, id))?.status, 'deactivated');
  assert.is(await isActiveUser(context.spec.knex, TENANT, id), false);
  assert.is(await isAssignableAgent(context.spec.knex, TENANT, id), false);

  await context.spec.apply(record(context, id, [{ type: 'UserReactivated', data: { at } }]));
  assert.is(await isActiveUser(context.spec.knex, TENANT, id), true);
  assert.is((await getUser(context.spec.knex, TENANT, id))?.version, 4);
});

test('given two-factor enabled then disabled, then the flag follows; events without a column still move the version', async (context) => {
  const id = randomUUID();
  await context.spec.apply(
    record(context, id, [registered(id), { type: 'MfaSetupStarted', data: { secret: 'JBSWY3DPEHPK3PXP', at } }, { type: 'MfaEnabled', data: { recoveryCodeHashes: ['r0'], step: 100, at } }]),
  );
  assert.is((await getUser(context.spec.knex, TENANT, id))?.mfaEnabled, true);
  await context.spec.apply(
    record(context, id, [
      { type: 'MfaCodeAccepted', data: { step: 101, at } },
      { type: 'MfaRecoveryCodeUsed', data: { index: 0, at } },
      { type: 'UserPasswordChanged', data: { passwordHash: 'h2', changedAt: at } },
    ]),
  );
  const mid = await getUser(context.spec.knex, TENANT, id);
  assert.is(mid?.mfaEnabled, true);
  assert.is(mid?.version, 5);
  await context.spec.apply(record(context, id, [{ type: 'MfaDisabled', data: { at } }]));
  assert.is((await getUser(context.spec.knex, TENANT, id))?.mfaEnabled, false);
});

test('given a user forgotten, then the row keeps only the markers and is deactivated', async (context) => {
  const id = randomUUID();
  await context.spec.apply(record(context, id, [registered(id, { email: 'gone@example.org' }), { type: 'UserForgotten', data: { at } }]));
  const user = await getUser(context.spec.knex, TENANT, id);
  assert.is(user?.name, FORGOTTEN_NAME);
  assert.is(user?.email, forgottenEmail(id));
  assert.is(user?.status, 'deactivated');
  assert.is(await userIdByEmail(context.spec.knex, TENANT, 'gone@example.org'), null);
});

test('given events applied once, when the same events are replayed, then nothing changes', async (context) => {
  const id = randomUUID();
  const first = record(context, id, [registered(id), { type: 'UserProfileUpdated', data: { name: 'First', email: 'first@example.org', updatedAt: at } }]);
  const second = record(context, id, [{ type: 'UserProfileUpdated', data: { name: 'Second', email: 'second@example.org', updatedAt: at } }]);
  await context.spec.apply([...first, ...second]);
  const before = await getUser(context.spec.knex, TENANT, id);
  assert.is(before?.name, 'Second');
  // Replayed in full, and the older update alone: the revision guard keeps the newest.
  await context.spec.apply([...first, ...second]);
  await context.spec.apply([first[1]!]);
  assert.equal(await getUser(context.spec.knex, TENANT, id), before);
});

test('given users of two tenants, then every query sees only its own tenant', async (context) => {
  const mine = randomUUID();
  const theirs = randomUUID();
  await context.spec.apply([
    ...record(context, mine, [registered(mine, { email: 'same@example.org', role: 'manager' })]),
    ...record(context, theirs, [registered(theirs, { tenantId: OTHER_TENANT, email: 'same@example.org', role: 'manager' })], OTHER_TENANT),
  ]);
  const { knex } = context.spec;
  assert.is(await getUser(knex, TENANT, theirs), null);
  assert.equal((await listUsers(knex, TENANT, { limit: 10 })).data.map((user) => user.id), [mine]);
  assert.equal((await listUsers(knex, OTHER_TENANT, { limit: 10 })).data.map((user) => user.id), [theirs]);
  assert.is(await userIdByEmail(knex, TENANT, 'same@example.org'), mine);
  assert.is(await userIdByEmail(knex, OTHER_TENANT, 'same@example.org'), theirs);
  assert.is(await isActiveUser(knex, TENANT, theirs), false);
  assert.is(await isAssignableAgent(knex, TENANT, theirs), false);
  assert.is(await areApprovers(knex, TENANT, [mine]), true);
  assert.is(await areApprovers(knex, TENANT, [mine, theirs]), false);
});

test('given several users, then the list pages by name and filters by role and status', async (context) => {
  const [ann, bob, cid] = [randomUUID(), randomUUID(), randomUUID()];
  await context.spec.apply([
    ...record(context, bob, [registered(bob, { name: 'Bob', role: 'user' })]),
    ...record(context, ann, [registered(ann, { name: 'Ann', role: 'technician' })]),
    ...record(context, cid, [registered(cid, { name: 'Cid', role: 'technician' }), { type: 'UserDeactivated', data: { at } }]),
  ]);
  const { knex } = context.spec;
  const first = await listUsers(knex, TENANT, { limit: 2 });
  assert.equal(first.data.map((user) => user.name), ['Ann', 'Bob']);
  assert.ok(first.nextCursor);
  const second = await listUsers(knex, TENANT, { limit: 2, cursor: first.nextCursor });
  assert.equal(second.data.map((user) => user.name), ['Cid']);
  assert.is(second.nextCursor, null);
  assert.equal((await listUsers(knex, TENANT, { limit: 10, role: 'technician' })).data.map((user) => user.name), ['Ann', 'Cid']);
  assert.equal((await listUsers(knex, TENANT, { limit: 10, role: 'technician', status: 'active' })).data.map((user) => user.name), ['Ann']);
});

test('given a history, then applying it in one page or one event at a time gives the same rows', async (context) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const events = [
    ...record(context, a, [registered(a), { type: 'MfaSetupStarted', data: { secret: 'S', at } }, { type: 'MfaEnabled', data: { recoveryCodeHashes: [], step: 1, at } }]),
    ...record(context, b, [registered(b, { role: 'admin' }), { type: 'UserRoleChanged', data: { role: 'manager', previousRole: 'admin', changedAt: at } }]),
    ...record(context, a, [{ type: 'UserProfileUpdated', data: { name: 'Renamed', email: 'renamed@example.org', updatedAt: at } }, { type: 'UserDeactivated', data: { at } }]),
    ...record(context, b, [{ type: 'UserForgotten', data: { at } }]),
  ];
  const { page, oneByOne } = await rowsBothWays(usersProjection, events, [{ table: 'users', orderBy: ['id'] }]);
  assert.equal(oneByOne, page);
  assert.is(page[0]!.length, 2);
});

test.run();
