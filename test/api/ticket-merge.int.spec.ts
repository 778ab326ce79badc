import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';

interface Ticket {
  id: string;
  number: string;
  status: string;
  watcherIds: string[];
  links: Array<{ id: string; kind: string; targetId: string }>;
  allowedTransitions?: unknown;
  detail?: string;
}
interface Comment {
  body: string;
  internal: boolean;
  copiedFrom: string | null;
}

const test = suite<{ api?: RunningApi; desk?: TenantFixture; other?: TenantFixture }>('ticket merge and its undo over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '100000', LOGIN_LIMIT_PER_ADDRESS: '100000' } });
  [context.desk, context.other] = await Promise.all([setUpTenant(context.api.baseUrl, 'merge desk'), setUpTenant(context.api.baseUrl, 'other desk')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const post = (api: RunningApi, token: string, path: string, json?: unknown) =>
  call<Ticket>(api.baseUrl, `/api/v1/tickets${path}`, { method: 'POST', headers: bearer(token), ...(json !== undefined ? { json } : {}) });
const read = (api: RunningApi, token: string, ticket: string) => call<Ticket>(api.baseUrl, `/api/v1/tickets/${ticket}`, { headers: bearer(token) });
const comments = async (api: RunningApi, token: string, ticket: string) => (await call<{ data: Comment[] }>(api.baseUrl, `/api/v1/tickets/${ticket}/comments`, { headers: bearer(token) })).body.data;
const eventTypes = async (api: RunningApi, ticketId: string) => (await api.system.store.readStream(`ticket-${ticketId}`)).map((event) => event.type);

/** A ticket raised by the desk's requester, with one public comment of theirs. */
async function raise(api: RunningApi, desk: TenantFixture, title: string, said = `${title}: please help`): Promise<Ticket> {
  const user = desk.sessions.user.accessToken;
  const ticket = expectStatus(await post(api, user, '', { type: 'incident', title, impact: 'low', urgency: 'medium' }), 201, 'raising').body;
  expectStatus(await post(api, user, `/${ticket.id}/comments`, { body: said }), 201, 'commenting');
  return ticket;
}

test('the circular merge from the issue: INC-4 into INC-3, then INC-3 into INC-4 is refused and INC-3 stays open', async ({ api, desk }) => {
  const tech = desk!.sessions.technician.accessToken;
  const three = await raise(api!, desk!, 'Email down on floor 3');
  const four = await raise(api!, desk!, 'Cannot send email');
  const first = await post(api!, tech, `/${four.number}/merge`, { masterId: three.id });
  assert.is(first.status, 200, JSON.stringify(first.body));
  const before = await api!.system.store.readStream(`ticket-${four.id}`);
  const circle = await post(api!, tech, `/${three.number}/merge`, { masterId: four.id });
  assert.is(circle.status, 409);
  assert.is(circle.body.detail, `cannot merge into ${four.number}: it was merged into ${three.number}, so this merge would go in a circle; undo that merge instead`);
  assert.is((await read(api!, tech, three.id)).body.status, 'new', 'the master is still open');
  assert.is((await api!.system.store.readStream(`ticket-${four.id}`)).length, before.length, 'nothing was copied back into the duplicate');
  assert.equal((await comments(api!, tech, three.id)).map((comment) => comment.body), ['Email down on floor 3: please help', 'Cannot send email: please help'], 'the conversation was copied once');
});

test('refuses to merge into a closed, deleted or already merged ticket, or into itself, with a 409 that says why and appends nothing', async ({ api, desk }) => {
  const tech = desk!.sessions.technician.accessToken;
  const admin = desk!.sessions.admin.accessToken;
  const duplicate = await raise(api!, desk!, 'Printer jam');
  const closed = await raise(api!, desk!, 'Old printer jam');
  for (const [action, body] of [['start', undefined], ['resolve', { code: 'fixed', notes: 'cleared' }], ['close', undefined]] as const) expectStatus(await post(api!, tech, `/${closed.id}/${action}`, body), 200, action);
  const deleted = await raise(api!, desk!, 'Deleted printer jam');
  expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${deleted.id}`, { method: 'DELETE', headers: bearer(admin) }), 204, 'deleting');
  const mergedAway = await raise(api!, desk!, 'Merged printer jam');
  const elsewhere = await raise(api!, desk!, 'Printer jam, the real one');
  expectStatus(await post(api!, tech, `/${mergedAway.id}/merge`, { masterId: elsewhere.id }), 200, 'merging');
  const cases: Array<[string, string]> = [
    [closed.id, `cannot merge into ${closed.number}: it is closed; merge into an open or resolved ticket`],
    [deleted.id, `cannot merge into ${deleted.number}: it is deleted`],
    [mergedAway.id, `cannot merge into ${mergedAway.number}: it is itself merged into another ticket; merge into that one`],
    [duplicate.id, 'a ticket cannot be merged into itself'],
  ];
  const events = await eventTypes(api!, duplicate.id);
  for (const [masterId, detail] of cases) {
    const refused = await post(api!, tech, `/${duplicate.id}/merge`, { masterId });
    assert.equal([refused.status, refused.body.detail], [409, detail]);
  }
  assert.equal(await eventTypes(api!, duplicate.id), events, 'no refused merge appended anything');
  const again = await post(api!, tech, `/${mergedAway.id}/merge`, { masterId: duplicate.id });
  assert.equal([again.status, again.body.detail], [409, `${mergedAway.number} is already merged into another ticket; undo that merge first`]);
});

test('a manager undoes a mistaken merge: the duplicate reopens as it was, and the copies leave the master', async ({ api, desk }) => {
  const tech = desk!.sessions.technician.accessToken;
  const manager = desk!.sessions.manager.accessToken;
  const master = await raise(api!, desk!, 'VPN drops');
  const duplicate = await raise(api!, desk!, 'Wi-Fi slow');
  expectStatus(await post(api!, tech, `/${duplicate.id}/start`), 200, 'starting');
  expectStatus(await post(api!, tech, `/${duplicate.id}/comments`, { body: 'Access point 7 is flapping', internal: true }), 201, 'noting');
  const watcher = desk!.sessions.auditor.id;
  expectStatus(await post(api!, tech, `/${duplicate.id}/watchers`, { userId: watcher }), 200, 'watching');
  expectStatus(await post(api!, tech, `/${duplicate.id}/merge`, { masterId: master.id }), 200, 'merging');
  const copied = await comments(api!, tech, master.id);
  assert.equal(copied.map((comment) => comment.copiedFrom), [null, duplicate.id, duplicate.id], 'the copies are marked with the ticket they came from');
  assert.ok((await read(api!, tech, master.id)).body.watcherIds.includes(watcher));

  const undone = await post(api!, manager, `/${duplicate.number}/unmerge`, { reason: 'not the same problem' });
  assert.is(undone.status, 200, JSON.stringify(undone.body));
  assert.equal([undone.body.status, undone.body.links], ['in_progress', []], 'back in the status it had, no longer a duplicate');
  assert.equal((await comments(api!, tech, master.id)).map((comment) => [comment.body, comment.copiedFrom]), [['VPN drops: please help', null]]);
  const after = await read(api!, tech, master.id);
  assert.not.ok(after.body.watcherIds.includes(watcher), 'the watchers the merge brought stop watching the master');
  assert.equal((await comments(api!, tech, duplicate.id)).map((comment) => comment.body), ['Wi-Fi slow: please help', 'Access point 7 is flapping'], 'the duplicate keeps its own conversation');
  // Nothing leaves the log: the copies and their withdrawal are both there.
  const masterEvents = await eventTypes(api!, master.id);
  assert.equal(masterEvents.filter((type) => type === 'TicketCommented').length, 3);
  assert.ok(masterEvents.includes('TicketConversationWithdrawn'));
  assert.equal((await eventTypes(api!, duplicate.id)).slice(-2), ['TicketUnlinked', 'TicketUnmerged']);

  const twice = await post(api!, manager, `/${duplicate.id}/unmerge`, { reason: 'again' });
  assert.equal([twice.status, twice.body.detail], [409, `${duplicate.number} was not merged into another ticket; there is nothing to undo`]);
  expectStatus(await post(api!, tech, `/${duplicate.id}/resolve`, { code: 'fixed', notes: 'AP 7 replaced' }), 200, 'the reopened duplicate is worked as any other ticket');
});

test('an admin may undo a merge too; a technician, a requester and an auditor may not', async ({ api, desk }) => {
  const tech = desk!.sessions.technician.accessToken;
  const master = await raise(api!, desk!, 'Badge reader broken');
  const duplicate = await raise(api!, desk!, 'Door does not open');
  expectStatus(await post(api!, tech, `/${duplicate.id}/merge`, { masterId: master.id }), 200, 'merging');
  for (const role of ['technician', 'user', 'auditor'] as const) {
    assert.is((await post(api!, desk!.sessions[role].accessToken, `/${duplicate.id}/unmerge`, { reason: 'mine' })).status, 403, role);
  }
  assert.is((await read(api!, tech, duplicate.id)).body.status, 'closed', 'the refusals changed nothing');
  const undone = await post(api!, desk!.sessions.admin.accessToken, `/${duplicate.id}/unmerge`, { reason: 'different doors' });
  assert.equal([undone.status, undone.body.status], [200, 'new']);
  const noReason = await post(api!, desk!.sessions.admin.accessToken, `/${duplicate.id}/unmerge`, {});
  assert.is(noReason.status, 400);
});

test("another tenant's tickets are not there: 404 for its ids, and its master looks like no ticket at all", async ({ api, desk, other }) => {
  const master = await raise(api!, desk!, 'Laptop will not boot');
  const duplicate = await raise(api!, desk!, 'Laptop black screen');
  expectStatus(await post(api!, desk!.sessions.technician.accessToken, `/${duplicate.id}/merge`, { masterId: master.id }), 200, 'merging');
  const foreign = await post(api!, other!.sessions.admin.accessToken, `/${duplicate.id}/unmerge`, { reason: 'not yours' });
  assert.is(foreign.status, 404);
  const foreignMerge = await post(api!, other!.sessions.admin.accessToken, `/${master.id}/merge`, { masterId: duplicate.id });
  assert.is(foreignMerge.status, 404);
  const theirs = await raise(api!, other!, 'Their laptop');
  const across = await post(api!, desk!.sessions.technician.accessToken, `/${master.id}/merge`, { masterId: theirs.id });
  const nowhere = await post(api!, desk!.sessions.technician.accessToken, `/${master.id}/merge`, { masterId: '00000000-0000-4000-8000-0000000000ee' });
  const answer = ({ status, body }: typeof across) => [status, body.detail, (body as unknown as { errors: unknown }).errors];
  assert.equal(answer(across), answer(nowhere), 'the same answer as for an id nobody has');
  assert.is(across.status, 400);
});

test.run();
