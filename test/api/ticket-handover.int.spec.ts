import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { Session, TenantFixture } from '../support/identity-fixtures.js';
import { addMember, bearer, createGroup, createUser, expectStatus, login, setUpTenant } from '../support/identity-fixtures.js';

interface Ticket {
  id: string;
  number: string;
  title: string;
  status: string;
  assigneeId: string | null;
  teamId: string | null;
  detail?: string;
  resolution?: { code: string; notes: string } | null;
  linkedIncidents?: Array<{ id: string; status: number }>;
}

/** The desk of setUpTenant (its technician is in `team`), plus a second team with an agent of its own. */
interface World {
  api: RunningApi;
  desk: TenantFixture;
  network: string;
  networkAgent: Session;
}

const test = suite<{ world?: World }>('technicians hand tickets over, and resolve without starting', {});

test.before(async (context) => {
  const api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '100000', LOGIN_LIMIT_PER_ADDRESS: '100000' } });
  const desk = await setUpTenant(api.baseUrl, 'handover desk');
  const admin = desk.sessions.admin.accessToken;
  const network = await createGroup(api.baseUrl, admin, 'teams', 'Network');
  const account = await createUser(api.baseUrl, admin, 'technician', 'network');
  await addMember(api.baseUrl, admin, 'teams', network, account.id);
  const tokens = await login(api.baseUrl, desk.slug, account.email, account.password);
  context.world = { api, desk, network, networkAgent: { ...account, ...tokens, tenantId: desk.id, tenantSlug: desk.slug } };
});
test.after(async (context) => {
  await context.world?.api.close();
});

const post = (world: World, token: string, path: string, json?: unknown) =>
  call<Ticket>(world.api.baseUrl, `/api/v1/tickets${path}`, { method: 'POST', headers: bearer(token), ...(json !== undefined ? { json } : {}) });

async function raise(world: World, fields: Record<string, unknown> = {}): Promise<Ticket> {
  const created = await post(world, world.desk.sessions.admin.accessToken, '', { type: 'incident', title: 'No network in room 4', impact: 'low', urgency: 'medium', requesterId: world.desk.subject.id, ...fields });
  return expectStatus(created, 201, 'raising').body;
}

test('a technician hands a ticket of their team to another team', async ({ world }) => {
  const w = world!;
  const ticket = await raise(w, { teamId: w.desk.team });
  const moved = await post(w, w.desk.sessions.technician.accessToken, `/${ticket.id}/assign`, { assigneeId: null, teamId: w.network });
  assert.is(moved.status, 200, JSON.stringify(moved.body));
  assert.equal([moved.body.teamId, moved.body.assigneeId], [w.network, null]);
  const back = await post(w, w.desk.sessions.technician.accessToken, `/${ticket.id}/assign`, { assigneeId: null, teamId: w.desk.team });
  assert.equal([back.status, back.body.detail], [403, 'a technician may only hand over a ticket assigned to them or to one of their teams'], 'once handed over, it is no longer theirs to move');
});

test('a technician hands a ticket assigned to them to an agent of another team', async ({ world }) => {
  const w = world!;
  const tech = w.desk.sessions.technician;
  const ticket = await raise(w);
  expectStatus(await post(w, tech.accessToken, `/${ticket.id}/assign`, { assigneeId: tech.id }), 200, 'taking it');
  const handed = await post(w, tech.accessToken, `/${ticket.id}/assign`, { assigneeId: w.networkAgent.id, teamId: w.network });
  assert.is(handed.status, 200, JSON.stringify(handed.body));
  assert.equal([handed.body.assigneeId, handed.body.teamId, handed.body.status], [w.networkAgent.id, w.network, 'assigned']);
});

test('a technician may not hand over a ticket of a team they are not in, nor to an agent outside the team named', async ({ world }) => {
  const w = world!;
  const tech = w.desk.sessions.technician.accessToken;
  const theirs = await raise(w, { teamId: w.network });
  const refused = await post(w, tech, `/${theirs.id}/assign`, { assigneeId: null, teamId: w.desk.team });
  assert.equal([refused.status, refused.body.detail], [403, 'a technician may only hand over a ticket assigned to them or to one of their teams']);
  const ours = await raise(w, { teamId: w.desk.team });
  const outsider = await post(w, tech, `/${ours.id}/assign`, { assigneeId: w.desk.sessions.manager.id, teamId: w.network });
  assert.is(outsider.status, 400, 'the manager is not in the network team');
  const mine = await post(w, tech, `/${theirs.id}/assign`, { assigneeId: w.desk.member.id, teamId: w.desk.team });
  assert.is(mine.status, 200, 'taking a ticket oneself stays allowed');
  assert.is((await post(w, w.desk.sessions.user.accessToken, `/${ours.id}/assign`, { assigneeId: null, teamId: w.network })).status, 403, 'requesters assign nothing');
});

test('an assigned ticket is resolved without being started (a quick fix)', async ({ world }) => {
  const w = world!;
  const tech = w.desk.sessions.technician;
  const ticket = await raise(w);
  expectStatus(await post(w, tech.accessToken, `/${ticket.id}/assign`, { assigneeId: tech.id }), 200, 'taking it');
  const resolved = await post(w, tech.accessToken, `/${ticket.id}/resolve`, { code: 'fixed', notes: 'Re-plugged the cable' });
  assert.equal([resolved.status, resolved.body.status], [200, 'resolved']);
});

test('resolving a problem resolves every open incident linked from either side, whatever its stage, and reports each', async ({ world }) => {
  const w = world!;
  const tech = w.desk.sessions.technician;
  const problem = await raise(w, { type: 'problem', title: 'Switch 4 firmware' });
  const causedBy = await raise(w, { title: 'Room 4 offline' });
  const childOf = await raise(w, { title: 'Room 5 offline' });
  const parentOf = await raise(w, { title: 'Room 6 offline' });
  const alreadyResolved = await raise(w, { title: 'Room 7 offline' });
  const unrelated = await raise(w, { title: 'Room 8 offline' });
  expectStatus(await post(w, tech.accessToken, `/${causedBy.id}/links`, { targetId: problem.id, kind: 'caused_by' }), 201, 'linking');
  expectStatus(await post(w, tech.accessToken, `/${childOf.id}/links`, { targetId: problem.id, kind: 'child_of' }), 201, 'linking');
  expectStatus(await post(w, tech.accessToken, `/${problem.id}/links`, { targetId: parentOf.id, kind: 'parent_of' }), 201, 'linking');
  expectStatus(await post(w, tech.accessToken, `/${alreadyResolved.id}/links`, { targetId: problem.id, kind: 'caused_by' }), 201, 'linking');
  expectStatus(await post(w, tech.accessToken, `/${problem.id}/links`, { targetId: unrelated.id, kind: 'relates_to' }), 201, 'linking');
  expectStatus(await post(w, tech.accessToken, `/${childOf.id}/assign`, { assigneeId: tech.id }), 200, 'assigning');
  expectStatus(await post(w, tech.accessToken, `/${parentOf.id}/start`), 200, 'starting');
  expectStatus(await post(w, tech.accessToken, `/${parentOf.id}/pend`, { reason: 'waiting for the vendor' }), 200, 'pending');
  expectStatus(await post(w, tech.accessToken, `/${alreadyResolved.id}/start`), 200, 'starting');
  expectStatus(await post(w, tech.accessToken, `/${alreadyResolved.id}/resolve`, { code: 'workaround', notes: 'Moved to room 9' }), 200, 'resolving');
  expectStatus(await post(w, tech.accessToken, `/${problem.id}/start`), 200, 'starting the problem');

  const resolved = await post(w, tech.accessToken, `/${problem.id}/resolve`, { code: 'fixed', notes: 'Firmware 2.1', resolveLinkedIncidents: true });
  assert.is(resolved.status, 200, JSON.stringify(resolved.body));
  assert.equal(resolved.body.linkedIncidents, [causedBy, childOf, parentOf].map((incident) => ({ id: incident.id, status: 200 })), 'new, assigned and pending incidents, linked either way, each reported');
  for (const incident of [causedBy, childOf, parentOf]) {
    const now = await call<Ticket>(w.api.baseUrl, `/api/v1/tickets/${incident.id}`, { headers: bearer(tech.accessToken) });
    assert.equal([now.body.status, now.body.resolution], ['resolved', { code: 'problem_resolved', notes: `Resolved with problem ${problem.number}` }], incident.title);
  }
  const untouched = await call<Ticket>(w.api.baseUrl, `/api/v1/tickets/${unrelated.id}`, { headers: bearer(tech.accessToken) });
  assert.is(untouched.body.status, 'new', 'a ticket that only relates to the problem is left alone');
  const kept = await call<Ticket>(w.api.baseUrl, `/api/v1/tickets/${alreadyResolved.id}`, { headers: bearer(tech.accessToken) });
  assert.equal(kept.body.resolution, { code: 'workaround', notes: 'Moved to room 9' }, 'an incident resolved before keeps its own resolution');
});

test.run();
