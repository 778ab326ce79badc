import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { SessionEvent } from '../../src/domain/identity/index.js';
import { sessionStream } from '../../src/domain/identity/index.js';
import { sessionsProjection } from '../../src/projections/sessions/index.js';
import { openSessionIds } from '../../src/projections/sessions/queries.js';
import type { ProjectionSpec } from '../support/projection-spec.js';
import { EventLog, projectionSpec, rowsBothWays, tableRows } from '../support/projection-spec.js';
import { suite } from '../support/suite.js';

interface Context {
  spec: ProjectionSpec;
  log: EventLog;
}

const test = suite<Context>('sessions projection');

test.before.each(async (context) => {
  context.spec = await projectionSpec(sessionsProjection);
  context.log = new EventLog();
});
test.after.each(async (context) => {
  await context.spec.drop();
});

const TENANT = randomUUID();
const startedAt = '2026-12-01T09:00:00.000Z';
const expiresAt = '2026-12-01T21:00:00.000Z';
const refreshedAt = '2026-12-01T12:00:00.000Z';
const refreshedUntil = '2026-12-02T00:00:00.000Z';
const revokedAt = '2026-12-01T15:00:00.000Z';

const started = (sessionId: string, userId: string, method = 'password'): SessionEvent => ({
  type: 'SessionStarted',
  data: { sessionId, userId, tenantId: TENANT, tokenHash: 'h0', expiresAt, startedAt, method },
});
const refreshed = (at = refreshedAt, until = refreshedUntil): SessionEvent => ({ type: 'SessionRefreshed', data: { tokenHash: 'h1', previousTokenHash: 'h0', expiresAt: until, at } });
const revoked = (reason: 'logout' | 'refresh_token_reused' | 'password_changed' | 'user_deactivated' = 'logout'): SessionEvent => ({ type: 'SessionRevoked', data: { reason, at: revokedAt } });
const session = (context: Context, id: string, userId: string, events: readonly SessionEvent[]) =>
  context.log.record(sessionStream(id), events, { tenantId: TENANT, actorId: userId, occurredAt: startedAt });

const rows = (context: Context) => tableRows(context.spec.knex, 'auth_sessions', ['id']);

test('given a session started, then the row shows who, how and until when, open, at revision 0', async (context) => {
  const [id, user] = [randomUUID(), randomUUID()];
  await context.spec.apply(session(context, id, user, [started(id, user, 'sso')]));
  assert.equal(await rows(context), [
    { id, tenant_id: TENANT, user_id: user, method: 'sso', started_at: startedAt, refreshed_at: null, expires_at: expiresAt, revoked_at: null, revoked_reason: null, version: 0 },
  ]);
  assert.equal(await openSessionIds(context.spec.knex, user), [id]);
});

test('given a session refreshed, then it runs until the new expiry', async (context) => {
  const [id, user] = [randomUUID(), randomUUID()];
  await context.spec.apply(session(context, id, user, [started(id, user), refreshed()]));
  const [row] = await rows(context);
  assert.is(row!.refreshed_at, refreshedAt);
  assert.is(row!.expires_at, refreshedUntil);
  assert.is(row!.version, 1);
});

test('given one of a user\'s sessions revoked, then only the others are open', async (context) => {
  const user = randomUUID();
  const [kept, ended] = [randomUUID(), randomUUID()];
  await context.spec.apply([...session(context, kept, user, [started(kept, user)]), ...session(context, ended, user, [started(ended, user), refreshed(), revoked('password_changed')])]);
  assert.equal(await openSessionIds(context.spec.knex, user), [kept]);
  const row = (await rows(context)).find((each) => each.id === ended);
  assert.is(row?.revoked_at, revokedAt);
  assert.is(row?.revoked_reason, 'password_changed');
  assert.is(row?.version, 2);
});

test('given sessions of two users, then each user\'s open sessions are their own', async (context) => {
  const [ann, bob] = [randomUUID(), randomUUID()];
  const [s1, s2, s3] = [randomUUID(), randomUUID(), randomUUID()];
  await context.spec.apply([...session(context, s1, ann, [started(s1, ann)]), ...session(context, s2, bob, [started(s2, bob)]), ...session(context, s3, ann, [started(s3, ann)])]);
  assert.equal((await openSessionIds(context.spec.knex, ann)).sort(), [s1, s3].sort());
  assert.equal(await openSessionIds(context.spec.knex, bob), [s2]);
  assert.equal(await openSessionIds(context.spec.knex, randomUUID()), []);
});

test('given a history applied, when it is replayed, or an older refresh arrives, then nothing changes (a revoked session stays revoked)', async (context) => {
  const [id, user] = [randomUUID(), randomUUID()];
  const events = session(context, id, user, [started(id, user), refreshed(), revoked()]);
  await context.spec.apply(events);
  const before = await rows(context);
  await context.spec.apply(events);
  await context.spec.apply([events[1]!]);
  assert.equal(await rows(context), before);
  assert.equal(await openSessionIds(context.spec.knex, user), []);
});

test('given a history, then one page or one event at a time gives the same rows', async (context) => {
  const user = randomUUID();
  const [a, b] = [randomUUID(), randomUUID()];
  const events = [
    ...session(context, a, user, [started(a, user)]),
    ...session(context, b, user, [started(b, user, 'sso'), refreshed()]),
    ...session(context, a, user, [refreshed(), revoked('user_deactivated')]),
  ];
  const { page, oneByOne } = await rowsBothWays(sessionsProjection, events, [{ table: 'auth_sessions', orderBy: ['id'] }]);
  assert.equal(oneByOne, page);
  assert.is(page[0]!.length, 2);
});

test.run();
