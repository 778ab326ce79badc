import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { handleCommand } from '../../src/commands/handle.js';
import { ConcurrencyError, ConflictError, IllegalStateError, NotFoundError } from '../../src/domain/errors.js';
import { tenantDecider, tenantStream } from '../../src/domain/tenant/index.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';
import { caught } from '../support/events.js';

interface Context {
  database?: TestDatabase;
  store?: PostgresEventStore;
}

const test = suite<Context>('command handler', {});
const now = new Date('2026-11-25T12:00:00.000Z');
const context = { tenantId: randomUUID(), actorId: randomUUID(), correlationId: 'corr-1', causationId: 'cause-1', now };

test.before(async (ctx) => {
  ctx.database = await createTestDatabase();
  ctx.store = new PostgresEventStore(ctx.database.db);
});
test.after(async (ctx) => {
  await ctx.store?.close();
  await ctx.database?.drop();
});

async function registered(store: PostgresEventStore): Promise<string> {
  const tenantId = randomUUID();
  await handleCommand({ store, newId: randomUUID }, tenantDecider, tenantStream(tenantId), { type: 'RegisterTenant', tenantId, slug: `t-${tenantId.slice(0, 8)}`, name: 'Acme', now }, context);
  return tenantId;
}

test('appends the decided events with tenant, actor, correlation, causation and time', async ({ store }) => {
  const tenantId = await registered(store!);
  const [event] = await store!.readStream(tenantStream(tenantId));
  assert.is(event?.type, 'TenantRegistered');
  assert.equal(event?.metadata, { tenantId: context.tenantId, actorId: context.actorId, correlationId: 'corr-1', causationId: 'cause-1', occurredAt: now.toISOString() });
});

test('a refused command appends nothing', async ({ store }) => {
  const tenantId = await registered(store!);
  const error = await caught(() => handleCommand({ store: store!, newId: randomUUID }, tenantDecider, tenantStream(tenantId), { type: 'RegisterTenant', tenantId, slug: 'again', name: 'Again', now }, context));
  assert.instance(error, IllegalStateError);
  assert.is((await store!.readStream(tenantStream(tenantId))).length, 1);
});

test('mustExist answers 404 for a stream that was never written', async ({ store }) => {
  const error = await caught(() => handleCommand({ store: store!, newId: randomUUID }, tenantDecider, tenantStream(randomUUID()), { type: 'RenameTenant', name: 'X', now }, context, { mustExist: true }));
  assert.instance(error, NotFoundError);
});

test('50 concurrent commands with the same expected version: exactly one succeeds, the rest are stale, nothing else is written', async ({ store }) => {
  const tenantId = await registered(store!);
  const outcomes = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) =>
      handleCommand({ store: store!, newId: randomUUID }, tenantDecider, tenantStream(tenantId), { type: 'RenameTenant', name: `Name ${i}`, now }, context, { expectedVersion: 0 }),
    ),
  );
  assert.is(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
  const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  assert.ok(failures.every((o) => o.reason instanceof ConcurrencyError));
  assert.is((await store!.readStream(tenantStream(tenantId))).length, 2);
});

test('without an expected version, lost races are re-decided on fresh state; past the retries it is a conflict', async ({ store }) => {
  const tenantId = await registered(store!);
  const outcomes = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => handleCommand({ store: store!, newId: randomUUID, maxRetries: 10 }, tenantDecider, tenantStream(tenantId), { type: 'RenameTenant', name: `Name ${i}`, now }, context)),
  );
  assert.ok(outcomes.every((o) => o.status === 'fulfilled'), 'every rename landed after retrying');
  const events = await store!.readStream(tenantStream(tenantId));
  assert.is(events.length, 9);
  const noRetries = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => handleCommand({ store: store!, newId: randomUUID, maxRetries: 0 }, tenantDecider, tenantStream(tenantId), { type: 'RenameTenant', name: `Other ${i}`, now }, context)),
  );
  const rejected = noRetries.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  assert.ok(rejected.every((o) => o.reason instanceof ConflictError));
});

test.run();
