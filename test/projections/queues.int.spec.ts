import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { QueueEvent } from '../../src/domain/queue/index.js';
import { queuesProjection } from '../../src/projections/queues/index.js';
import { activeQueues, getQueue, listQueues } from '../../src/projections/queues/queries.js';
import type { ProjectionSpec } from '../support/projection-spec.js';
import { EventLog, projectionSpec, rowsBothWays, tableRows } from '../support/projection-spec.js';
import { suite } from '../support/suite.js';

interface Context {
  spec: ProjectionSpec;
  log: EventLog;
}

const test = suite<Context>('queues projection');

test.before.each(async (context) => {
  context.spec = await projectionSpec(queuesProjection);
  context.log = new EventLog();
});
test.after.each(async (context) => {
  await context.spec.drop();
});

const TENANT = randomUUID();
const OTHER_TENANT = randomUUID();
const TEAM = randomUUID();
const CATEGORY = randomUUID();
const SERVICE = randomUUID();
const createdAt = '2026-11-04T08:00:00.000Z';
const at = '2026-12-01T10:00:00.000Z';
const later = '2026-12-02T10:00:00.000Z';

type Created = Extract<QueueEvent, { type: 'QueueCreated' }>['data'];

const created = (queueId: string, overrides: Partial<Created> = {}): QueueEvent => ({
  type: 'QueueCreated',
  data: { queueId, tenantId: TENANT, name: 'Incidents', description: 'Break-fix', teamId: TEAM, rules: { ticketTypes: ['incident'], categoryIds: [CATEGORY], serviceIds: [] }, position: 10, strategy: 'round_robin', at: createdAt, ...overrides },
});
const picked = (assigneeId: string, ticketId: string, when = at): QueueEvent => ({ type: 'QueueAssigneePicked', data: { ticketId, assigneeId, strategy: 'round_robin', at: when } });
const queue = (context: Context, id: string, events: readonly QueueEvent[], tenantId = TENANT) => context.log.record(`queue-${id}`, events, { tenantId, actorId: randomUUID(), occurredAt: at });

test('given a queue created, then the row shows its team, rules, position and strategy, active, no pick yet', async (context) => {
  const id = randomUUID();
  await context.spec.apply(queue(context, id, [created(id)]));
  assert.equal(await getQueue(context.spec.knex, TENANT, id), {
    id,
    name: 'Incidents',
    description: 'Break-fix',
    teamId: TEAM,
    rules: { ticketTypes: ['incident'], categoryIds: [CATEGORY], serviceIds: [] },
    position: 10,
    strategy: 'round_robin',
    active: true,
    lastAssignment: null,
    createdAt,
    updatedAt: createdAt,
    version: 0,
  });
});

test('given created and updated, then the row shows the new definition', async (context) => {
  const id = randomUUID();
  const otherTeam = randomUUID();
  await context.spec.apply(
    queue(context, id, [
      created(id),
      { type: 'QueueUpdated', data: { name: 'Requests', description: 'Orders', teamId: otherTeam, rules: { ticketTypes: ['service_request', 'change'], categoryIds: [], serviceIds: [SERVICE] }, position: 3, strategy: 'least_loaded', at: later } },
    ]),
  );
  const view = await getQueue(context.spec.knex, TENANT, id);
  assert.is(view?.name, 'Requests');
  assert.is(view?.teamId, otherTeam);
  assert.equal(view?.rules, { ticketTypes: ['service_request', 'change'], categoryIds: [], serviceIds: [SERVICE] });
  assert.is(view?.position, 3);
  assert.is(view?.strategy, 'least_loaded');
  assert.is(view?.updatedAt, later);
  assert.is(view?.version, 1);
});

test('given agents picked, then the last pick is kept and moves the version but not updated_at', async (context) => {
  const id = randomUUID();
  const [agent1, agent2] = [randomUUID(), randomUUID()];
  const [ticket1, ticket2] = [randomUUID(), randomUUID()];
  await context.spec.apply(queue(context, id, [created(id), picked(agent1, ticket1, at), picked(agent2, ticket2, later)]));
  const view = await getQueue(context.spec.knex, TENANT, id);
  assert.equal(view?.lastAssignment, { assigneeId: agent2, ticketId: ticket2, at: later });
  assert.is(view?.updatedAt, createdAt);
  assert.is(view?.version, 2);
});

test('given a queue deactivated, then routing skips it and the list filters it; reactivated, it routes again', async (context) => {
  const id = randomUUID();
  await context.spec.apply(queue(context, id, [created(id), { type: 'QueueDeactivated', data: { at } }]));
  const { knex } = context.spec;
  assert.is((await getQueue(knex, TENANT, id))?.active, false);
  assert.equal(await activeQueues(knex, TENANT), []);
  assert.equal((await listQueues(knex, TENANT, { limit: 10, active: false })).data.map((q) => q.id), [id]);
  assert.equal((await listQueues(knex, TENANT, { limit: 10, active: true })).data, []);

  await context.spec.apply(queue(context, id, [{ type: 'QueueReactivated', data: { at: later } }]));
  assert.equal(await activeQueues(knex, TENANT), [{ id, name: 'Incidents', position: 10, teamId: TEAM, rules: { ticketTypes: ['incident'], categoryIds: [CATEGORY], serviceIds: [] } }]);
});

test('given several active queues, then routing reads them by position, then name', async (context) => {
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  await context.spec.apply([
    ...queue(context, a, [created(a, { name: 'Zeta', position: 5 })]),
    ...queue(context, b, [created(b, { name: 'Alpha', position: 20 })]),
    ...queue(context, c, [created(c, { name: 'Beta', position: 5 })]),
  ]);
  assert.equal((await activeQueues(context.spec.knex, TENANT)).map((q) => q.name), ['Beta', 'Zeta', 'Alpha']);
  const listed = await listQueues(context.spec.knex, TENANT, { limit: 2 });
  assert.equal(listed.data.map((q) => q.name), ['Alpha', 'Beta']);
  const rest = await listQueues(context.spec.knex, TENANT, { limit: 2, cursor: listed.nextCursor! });
  assert.equal(rest.data.map((q) => q.name), ['Zeta']);
});

test('given queues of two teams and two tenants, then the queries filter by team and see only their own tenant', async (context) => {
  const [mine, otherTeams, theirs] = [randomUUID(), randomUUID(), randomUUID()];
  const otherTeam = randomUUID();
  await context.spec.apply([
    ...queue(context, mine, [created(mine)]),
    ...queue(context, otherTeams, [created(otherTeams, { teamId: otherTeam, name: 'Other team' })]),
    ...queue(context, theirs, [created(theirs, { tenantId: OTHER_TENANT })], OTHER_TENANT),
  ]);
  const { knex } = context.spec;
  assert.is(await getQueue(knex, TENANT, theirs), null);
  assert.equal((await listQueues(knex, TENANT, { limit: 10, teamId: TEAM })).data.map((q) => q.id), [mine]);
  assert.equal((await activeQueues(knex, TENANT)).map((q) => q.id).sort(), [mine, otherTeams].sort());
  assert.equal((await activeQueues(knex, OTHER_TENANT)).map((q) => q.id), [theirs]);
});

test('given a history applied, when it is replayed, then nothing changes (an older pick does not come back)', async (context) => {
  const id = randomUUID();
  const events = queue(context, id, [created(id), picked(randomUUID(), randomUUID(), at), { type: 'QueueDeactivated', data: { at } }, picked(randomUUID(), randomUUID(), later)]);
  await context.spec.apply(events);
  const before = await tableRows(context.spec.knex, 'queues', ['id']);
  await context.spec.apply(events);
  await context.spec.apply([events[1]!]);
  assert.equal(await tableRows(context.spec.knex, 'queues', ['id']), before);
  assert.is(before[0]!.version, 3);
  assert.is(before[0]!.active, false);
});

test('given a history, then one page or one event at a time gives the same rows', async (context) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const events = [
    ...queue(context, a, [created(a), picked(randomUUID(), randomUUID())]),
    ...queue(context, b, [created(b, { name: 'B', strategy: 'none' }), { type: 'QueueDeactivated', data: { at } }]),
    ...queue(context, a, [{ type: 'QueueUpdated', data: { name: 'A', description: 'x', teamId: TEAM, rules: { ticketTypes: [], categoryIds: [], serviceIds: [SERVICE] }, position: 1, strategy: 'least_loaded', at: later } }]),
    ...queue(context, b, [{ type: 'QueueReactivated', data: { at: later } }]),
  ];
  const { page, oneByOne } = await rowsBothWays(queuesProjection, events, [{ table: 'queues', orderBy: ['id'] }]);
  assert.equal(oneByOne, page);
  assert.is(page[0]!.length, 2);
});

test.run();
