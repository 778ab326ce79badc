import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { DepartmentEvent, TeamEvent, UserEvent } from '../../src/domain/identity/index.js';
import { departmentsProjection, teamsProjection } from '../../src/projections/groups/index.js';
import { getGroup, isTeamMember, listGroups, teamExists } from '../../src/projections/groups/queries.js';
import { usersProjection } from '../../src/projections/users/index.js';
import type { ProjectionSpec } from '../support/projection-spec.js';
import { EventLog, applyEvents, projectionSpec, rowsBothWays, tableRows } from '../support/projection-spec.js';
import { suite } from '../support/suite.js';

/** Teams and departments: one projection factory, two read models. */
const TENANT = randomUUID();
const OTHER_TENANT = randomUUID();
const createdAt = '2026-11-02T08:00:00.000Z';
const at = '2026-12-01T10:00:00.000Z';
const later = '2026-12-02T10:00:00.000Z';

const userRegistered = (userId: string, name: string, tenantId = TENANT): UserEvent => ({
  type: 'UserRegistered',
  data: { userId, tenantId, email: `${name.toLowerCase()}@example.org`, name, role: 'technician', passwordHash: 'h', registeredAt: createdAt },
});

// ---- teams ----

interface Context {
  spec: ProjectionSpec;
  users: ProjectionSpec['apply'];
  log: EventLog;
}

const teams = suite<Context>('teams projection');

teams.before.each(async (context) => {
  context.spec = await projectionSpec(teamsProjection, { also: [usersProjection] });
  context.log = new EventLog();
  context.users = (events) => applyEvents(context.spec.knex, usersProjection, events);
});
teams.after.each(async (context) => {
  await context.spec.drop();
});

const teamCreated = (teamId: string, name = 'Service Desk', tenantId = TENANT): TeamEvent => ({ type: 'TeamCreated', data: { teamId, tenantId, name, description: 'First line', at: createdAt } });
const team = (context: Context, id: string, events: readonly TeamEvent[], tenantId = TENANT) => context.log.record(`team-${id}`, events, { tenantId, actorId: null, occurredAt: at });

async function people(context: Context, ...names: string[]): Promise<string[]> {
  const ids = names.map(() => randomUUID());
  await context.users(ids.flatMap((id, index) => context.log.record(`user-${id}`, [userRegistered(id, names[index]!)], { tenantId: TENANT })));
  return ids;
}

teams('given a team created, then the row shows its name and description at revision 0, with no members', async (context) => {
  const id = randomUUID();
  await context.spec.apply(team(context, id, [teamCreated(id)]));
  assert.equal(await getGroup(context.spec.knex, 'teams', TENANT, id), { id, name: 'Service Desk', description: 'First line', members: [], createdAt, updatedAt: createdAt, version: 0 });
  assert.is(await teamExists(context.spec.knex, TENANT, id), true);
});

teams('given created and renamed, then the row shows the new name, updated when the event says', async (context) => {
  const id = randomUUID();
  await context.spec.apply(team(context, id, [teamCreated(id), { type: 'TeamUpdated', data: { name: 'Network', description: 'Switches and Wi-Fi', at: later } }]));
  const group = await getGroup(context.spec.knex, 'teams', TENANT, id);
  assert.is(group?.name, 'Network');
  assert.is(group?.description, 'Switches and Wi-Fi');
  assert.is(group?.updatedAt, later);
  assert.is(group?.createdAt, createdAt);
  assert.is(group?.version, 1);
});

teams('given members added and one removed, then the team lists the others by name', async (context) => {
  const id = randomUUID();
  const [zoe, amy, bea] = await people(context, 'Zoe', 'Amy', 'Bea');
  await context.spec.apply(
    team(context, id, [
      teamCreated(id),
      { type: 'TeamMemberAdded', data: { userId: zoe!, at } },
      { type: 'TeamMemberAdded', data: { userId: amy!, at } },
      { type: 'TeamMemberAdded', data: { userId: bea!, at } },
      { type: 'TeamMemberRemoved', data: { userId: bea!, at: later } },
    ]),
  );
  const group = await getGroup(context.spec.knex, 'teams', TENANT, id);
  assert.equal(group?.members, [
    { userId: amy!, name: 'Amy', email: 'amy@example.org' },
    { userId: zoe!, name: 'Zoe', email: 'zoe@example.org' },
  ]);
  assert.is(group?.version, 4);
  assert.is(await isTeamMember(context.spec.knex, id, amy!), true);
  assert.is(await isTeamMember(context.spec.knex, id, bea!), false);
  const rows = await tableRows(context.spec.knex, 'team_members', ['user_id']);
  assert.ok(rows.every((row) => row.tenant_id === TENANT && row.group_id === id));
});

teams('given a history applied, when it is replayed, then nothing changes (a removed member does not come back)', async (context) => {
  const id = randomUUID();
  const [amy] = await people(context, 'Amy');
  const events = team(context, id, [
    teamCreated(id),
    { type: 'TeamMemberAdded', data: { userId: amy!, at } },
    { type: 'TeamUpdated', data: { name: 'Renamed', description: 'd', at } },
    { type: 'TeamMemberRemoved', data: { userId: amy!, at: later } },
  ]);
  await context.spec.apply(events);
  const before = await getGroup(context.spec.knex, 'teams', TENANT, id);
  await context.spec.apply(events);
  await context.spec.apply([events[1]!]);
  assert.equal(await getGroup(context.spec.knex, 'teams', TENANT, id), before);
  assert.equal(before?.members, []);
  assert.is(before?.name, 'Renamed');
});

teams('given an event for a team never created, then no row appears', async (context) => {
  const id = randomUUID();
  await context.spec.apply(team(context, id, [{ type: 'TeamMemberAdded', data: { userId: randomUUID(), at } }], TENANT));
  assert.equal(await tableRows(context.spec.knex, 'teams', ['id']), []);
  assert.equal(await tableRows(context.spec.knex, 'team_members', ['user_id']), []);
});

teams('given teams of two tenants, then get, list and exists see only their own tenant', async (context) => {
  const [mine, theirs] = [randomUUID(), randomUUID()];
  await context.spec.apply([...team(context, mine, [teamCreated(mine, 'Mine')]), ...team(context, theirs, [teamCreated(theirs, 'Theirs', OTHER_TENANT)], OTHER_TENANT)]);
  const { knex } = context.spec;
  assert.is(await getGroup(knex, 'teams', TENANT, theirs), null);
  assert.is(await teamExists(knex, TENANT, theirs), false);
  assert.equal((await listGroups(knex, 'teams', TENANT, { limit: 10 })).data.map((group) => group.name), ['Mine']);
  assert.equal((await listGroups(knex, 'teams', OTHER_TENANT, { limit: 10 })).data.map((group) => group.name), ['Theirs']);
});

teams('given several teams, then the list pages by name', async (context) => {
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  await context.spec.apply(ids.flatMap((id, index) => team(context, id, [teamCreated(id, ['Gamma', 'Alpha', 'Beta'][index])])));
  const first = await listGroups(context.spec.knex, 'teams', TENANT, { limit: 2 });
  assert.equal(first.data.map((group) => group.name), ['Alpha', 'Beta']);
  const second = await listGroups(context.spec.knex, 'teams', TENANT, { limit: 2, cursor: first.nextCursor! });
  assert.equal(second.data.map((group) => group.name), ['Gamma']);
  assert.is(second.nextCursor, null);
});

teams('given a history, then one page or one event at a time gives the same rows', async (context) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const [u1, u2] = [randomUUID(), randomUUID()];
  const events = [
    ...team(context, a, [teamCreated(a), { type: 'TeamMemberAdded', data: { userId: u1, at } }, { type: 'TeamMemberAdded', data: { userId: u2, at } }]),
    ...team(context, b, [teamCreated(b, 'Other'), { type: 'TeamMemberAdded', data: { userId: u1, at } }]),
    ...team(context, a, [{ type: 'TeamMemberRemoved', data: { userId: u1, at: later } }, { type: 'TeamUpdated', data: { name: 'Desk', description: 'x', at: later } }]),
  ];
  const { page, oneByOne } = await rowsBothWays(teamsProjection, events, [
    { table: 'teams', orderBy: ['id'] },
    { table: 'team_members', orderBy: ['group_id', 'user_id'] },
  ]);
  assert.equal(oneByOne, page);
  assert.is(page[1]!.length, 2);
});

teams.run();

// ---- departments ----

interface DepartmentContext {
  spec: ProjectionSpec;
  log: EventLog;
}

const departments = suite<DepartmentContext>('departments projection');

departments.before.each(async (context) => {
  context.spec = await projectionSpec(departmentsProjection, { also: [usersProjection] });
  context.log = new EventLog();
});
departments.after.each(async (context) => {
  await context.spec.drop();
});

const departmentCreated = (departmentId: string, name = 'Finance', tenantId = TENANT): DepartmentEvent => ({
  type: 'DepartmentCreated',
  data: { departmentId, tenantId, name, description: 'Money', at: createdAt },
});
const department = (context: DepartmentContext, id: string, events: readonly DepartmentEvent[], tenantId = TENANT) =>
  context.log.record(`department-${id}`, events, { tenantId, actorId: null, occurredAt: at });

departments('given a department created, renamed and given members, then its own tables show it', async (context) => {
  const id = randomUUID();
  const [u1, u2] = [randomUUID(), randomUUID()];
  await context.spec.apply(
    department(context, id, [
      departmentCreated(id),
      { type: 'DepartmentUpdated', data: { name: 'Finance & Legal', description: 'Money and contracts', at: later } },
      { type: 'DepartmentMemberAdded', data: { userId: u1, at } },
      { type: 'DepartmentMemberAdded', data: { userId: u2, at } },
      { type: 'DepartmentMemberRemoved', data: { userId: u1, at } },
    ]),
  );
  const { knex } = context.spec;
  const view = await getGroup(knex, 'departments', TENANT, id);
  assert.is(view?.name, 'Finance & Legal');
  assert.is(view?.description, 'Money and contracts');
  assert.is(view?.version, 4);
  assert.equal(
    (await tableRows(knex, 'department_members', ['user_id'])).map((row) => [row.group_id, row.user_id, row.tenant_id]),
    [[id, u2, TENANT]],
  );
  // The teams' tables are not this projection's.
  assert.is(await knex.schema.hasTable('teams'), false);
});

departments('given a history applied, when it is replayed, then nothing changes', async (context) => {
  const id = randomUUID();
  const user = randomUUID();
  const events = department(context, id, [departmentCreated(id), { type: 'DepartmentMemberAdded', data: { userId: user, at } }, { type: 'DepartmentMemberRemoved', data: { userId: user, at } }]);
  await context.spec.apply(events);
  const before = [await tableRows(context.spec.knex, 'departments', ['id']), await tableRows(context.spec.knex, 'department_members', ['user_id'])];
  await context.spec.apply(events);
  assert.equal([await tableRows(context.spec.knex, 'departments', ['id']), await tableRows(context.spec.knex, 'department_members', ['user_id'])], before);
  assert.equal(before[1], []);
});

departments('given departments of two tenants, then each tenant lists only its own', async (context) => {
  const [mine, theirs] = [randomUUID(), randomUUID()];
  await context.spec.apply([...department(context, mine, [departmentCreated(mine, 'Mine')]), ...department(context, theirs, [departmentCreated(theirs, 'Theirs', OTHER_TENANT)], OTHER_TENANT)]);
  assert.equal((await listGroups(context.spec.knex, 'departments', TENANT, { limit: 10 })).data.map((group) => group.id), [mine]);
  assert.is(await getGroup(context.spec.knex, 'departments', OTHER_TENANT, mine), null);
});

departments('given a history, then one page or one event at a time gives the same rows', async (context) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const user = randomUUID();
  const events = [
    ...department(context, a, [departmentCreated(a), { type: 'DepartmentMemberAdded', data: { userId: user, at } }]),
    ...department(context, b, [departmentCreated(b, 'HR')]),
    ...department(context, a, [{ type: 'DepartmentUpdated', data: { name: 'F', description: 'd', at: later } }]),
  ];
  const { page, oneByOne } = await rowsBothWays(departmentsProjection, events, [
    { table: 'departments', orderBy: ['id'] },
    { table: 'department_members', orderBy: ['group_id', 'user_id'] },
  ]);
  assert.equal(oneByOne, page);
});

departments.run();
