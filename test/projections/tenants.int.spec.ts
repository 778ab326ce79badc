import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { TenantEvent } from '../../src/domain/tenant/index.js';
import { findTenantBySlug, tenantsProjection } from '../../src/projections/tenants/index.js';
import { tenantIdBySlug } from '../../src/projections/tenants/queries.js';
import type { ProjectionSpec } from '../support/projection-spec.js';
import { EventLog, projectionSpec, rowsBothWays, tableRows } from '../support/projection-spec.js';
import { suite } from '../support/suite.js';

interface Context {
  spec: ProjectionSpec;
  log: EventLog;
}

const test = suite<Context>('tenants projection');

test.before.each(async (context) => {
  context.spec = await projectionSpec(tenantsProjection);
  context.log = new EventLog();
});
test.after.each(async (context) => {
  await context.spec.drop();
});

const registeredAt = '2026-10-01T08:00:00.000Z';
const renamedAt = '2026-12-01T10:00:00.000Z';

const registered = (tenantId: string, slug: string, name = 'Acme Corp'): TenantEvent => ({ type: 'TenantRegistered', data: { tenantId, slug, name, registeredAt } });
const renamed = (name: string): TenantEvent => ({ type: 'TenantRenamed', data: { name, renamedAt } });
// A tenant's own events carry its id as the metadata's tenant.
const tenant = (context: Context, id: string, events: readonly TenantEvent[]) => context.log.record(`tenant-${id}`, events, { tenantId: id, actorId: null, occurredAt: renamedAt });

test('given a tenant registered, then it is found by its slug, at revision 0', async (context) => {
  const id = randomUUID();
  await context.spec.apply(tenant(context, id, [registered(id, 'acme')]));
  assert.equal(await findTenantBySlug(context.spec.knex, 'acme'), { id, slug: 'acme', name: 'Acme Corp' });
  assert.is(await tenantIdBySlug(context.spec.knex, 'acme'), id);
  assert.is(await tenantIdBySlug(context.spec.knex, 'other'), null);
  assert.is(await findTenantBySlug(context.spec.knex, 'other'), null);
  const [row] = await tableRows(context.spec.knex, 'tenants', ['id']);
  assert.is(row!.registered_at, registeredAt);
  assert.is(row!.version, 0);
});

test('given registered and renamed, then the row shows the new name and keeps the slug', async (context) => {
  const id = randomUUID();
  await context.spec.apply(tenant(context, id, [registered(id, 'acme'), renamed('Acme Holdings'), renamed('Acme Group')]));
  assert.equal(await findTenantBySlug(context.spec.knex, 'acme'), { id, slug: 'acme', name: 'Acme Group' });
  const [row] = await tableRows(context.spec.knex, 'tenants', ['id']);
  assert.is(row!.version, 2);
  assert.is(row!.registered_at, registeredAt);
});

test('given a history applied, when it is replayed, or an older rename arrives, then nothing changes', async (context) => {
  const id = randomUUID();
  const events = tenant(context, id, [registered(id, 'acme', 'First'), renamed('Second'), renamed('Third')]);
  await context.spec.apply(events);
  const before = await tableRows(context.spec.knex, 'tenants', ['id']);
  await context.spec.apply(events);
  await context.spec.apply([events[1]!]);
  assert.equal(await tableRows(context.spec.knex, 'tenants', ['id']), before);
  assert.is(before[0]!.name, 'Third');
});

test('given two tenants, then each slug leads to its own tenant', async (context) => {
  const [a, b] = [randomUUID(), randomUUID()];
  await context.spec.apply([...tenant(context, a, [registered(a, 'alpha', 'Alpha')]), ...tenant(context, b, [registered(b, 'beta', 'Beta'), renamed('Beta Ltd')])]);
  assert.is(await tenantIdBySlug(context.spec.knex, 'alpha'), a);
  assert.equal(await findTenantBySlug(context.spec.knex, 'beta'), { id: b, slug: 'beta', name: 'Beta Ltd' });
});

test('given a rename of a tenant never registered, then no row appears', async (context) => {
  await context.spec.apply(tenant(context, randomUUID(), [renamed('Ghost')]));
  assert.equal(await tableRows(context.spec.knex, 'tenants', ['id']), []);
});

test('given a history, then one page or one event at a time gives the same rows', async (context) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const events = [...tenant(context, a, [registered(a, 'alpha')]), ...tenant(context, b, [registered(b, 'beta'), renamed('B2')]), ...tenant(context, a, [renamed('A2')])];
  const { page, oneByOne } = await rowsBothWays(tenantsProjection, events, [{ table: 'tenants', orderBy: ['id'] }]);
  assert.equal(oneByOne, page);
  assert.is(page[0]!.length, 2);
});

test.run();
