import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { createArticle } from '../support/article-fixtures.js';
import { createAsset, createAssetCategory } from '../support/asset-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant, uniqueSuffix } from '../support/identity-fixtures.js';

interface Hit {
  type: string;
  id: string;
  title: string;
  snippet: string;
  score: number;
  reference: string | null;
}
interface SearchAnswer {
  data: Hit[];
  nextCursor: string | null;
}

interface World {
  api: RunningApi;
  a: TenantFixture;
  b: TenantFixture;
  /** A word unique to this run, so answers hold only what the test made. */
  word: string;
}

const test = suite<World>('api: search');

test.before(async (context) => {
  context.api = await startApi();
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'search-a'), setUpTenant(context.api.baseUrl, 'search-b')]);
  context.word = `zq${uniqueSuffix().replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
});
test.after(async (context) => {
  await context.api.close();
});

async function openTicket(world: World, token: string, title: string, description = ''): Promise<{ id: string; number: string }> {
  const response = await call<{ id: string; number: string }>(world.api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token), json: { type: 'incident', title, description, impact: 'medium', urgency: 'medium' } });
  return expectStatus(response, 201, 'opening a ticket').body;
}

async function comment(world: World, token: string, ticketId: string, body: string, internal: boolean): Promise<void> {
  expectStatus(await call(world.api.baseUrl, `/api/v1/tickets/${ticketId}/comments`, { method: 'POST', headers: bearer(token), json: { body, internal } }), 201, 'commenting');
}

async function search(world: World, token: string, query: string): Promise<SearchAnswer> {
  return expectStatus(await call<SearchAnswer>(world.api.baseUrl, `/api/v1/search?${query}`, { headers: bearer(token) }), 200, `searching ${query}`).body;
}

const ids = (answer: SearchAnswer) => answer.data.map((hit) => hit.id);

test('requesters find their own tickets and never internal comments; agents find all', async (world) => {
  const { a, word } = world;
  const mine = await openTicket(world, a.sessions.user.accessToken, `Printer ${word} offline`, 'Nothing prints since Monday.');
  const others = await openTicket(world, a.sessions.admin.accessToken, `Printer ${word} toner`, 'Raised by the admin.');
  await comment(world, a.sessions.technician.accessToken, mine.id, `Internal: supplier ${word}secret contract lapsed`, true);
  await comment(world, a.sessions.technician.accessToken, mine.id, 'We ordered a new fuser.', false);

  const forRequester = await search(world, a.sessions.user.accessToken, `q=${word}`);
  assert.equal(ids(forRequester), [mine.id]);
  assert.is(forRequester.data[0]!.type, 'ticket');
  assert.is(forRequester.data[0]!.reference, mine.number);
  assert.equal(new Set(ids(await search(world, a.sessions.technician.accessToken, `q=${word}`))), new Set([mine.id, others.id]));

  assert.equal(ids(await search(world, a.sessions.user.accessToken, `q=${word}secret`)), [], 'internal comments are not matched for requesters');
  assert.equal(ids(await search(world, a.sessions.technician.accessToken, `q=${word}secret`)), [mine.id]);
  const fuser = await search(world, a.sessions.user.accessToken, `q=fuser ${word}`);
  assert.equal(ids(fuser), [mine.id], 'public comments are matched for requesters');
  assert.not.match(fuser.data[0]!.snippet, /secret|supplier|lapsed/);
});

test('one typo still finds the ticket; filters narrow it', async (world) => {
  const { a, word } = world;
  const ticket = await openTicket(world, a.sessions.admin.accessToken, `Scanner ${word}x jammed`, 'The scanner on floor two eats paper.');
  assert.equal(ids(await search(world, a.sessions.admin.accessToken, 'q=scnaner&type=ticket')).includes(ticket.id), true);
  assert.equal(ids(await search(world, a.sessions.admin.accessToken, `q=${word}x&status=new&type=ticket`)), [ticket.id]);
  assert.equal(ids(await search(world, a.sessions.admin.accessToken, `q=${word}x&status=closed`)), []);
  assert.equal(ids(await search(world, a.sessions.admin.accessToken, `q=${word}x&type=article,asset`)), []);
});

test('a deleted ticket leaves the answers and comes back when restored', async (world) => {
  const { a, word } = world;
  const ticket = await openTicket(world, a.sessions.admin.accessToken, `Badge ${word}d reader broken`);
  assert.equal(ids(await search(world, a.sessions.admin.accessToken, `q=${word}d`)), [ticket.id]);
  expectStatus(await call(world.api.baseUrl, `/api/v1/tickets/${ticket.id}`, { method: 'DELETE', headers: bearer(a.sessions.admin.accessToken) }), 204, 'deleting');
  assert.equal(ids(await search(world, a.sessions.admin.accessToken, `q=${word}d`)), []);
  expectStatus(await call(world.api.baseUrl, `/api/v1/tickets/${ticket.id}/restore`, { method: 'POST', headers: bearer(a.sessions.admin.accessToken) }), 200, 'restoring');
  assert.equal(ids(await search(world, a.sessions.admin.accessToken, `q=${word}d`)), [ticket.id]);
});

test('requesters find published public articles and their own assets only', async (world) => {
  const { a, word } = world;
  const admin = a.sessions.admin.accessToken;
  const published = await createArticle(world.api.baseUrl, admin, 'published', { title: `Reset your ${word}k password`, body: 'Go to the portal.' });
  const draft = await createArticle(world.api.baseUrl, admin, 'draft', { title: `Draft ${word}k notes`, body: 'Not yet.' });
  const internal = await createArticle(world.api.baseUrl, admin, 'published', { title: `Agents ${word}k runbook`, body: 'Internal.', audience: 'internal' });
  const category = await createAssetCategory(world.api.baseUrl, admin);
  const owned = await createAsset(world.api.baseUrl, admin, category, { name: `Laptop ${word}k`, ownerUserId: a.sessions.user.id });
  const notOwned = await createAsset(world.api.baseUrl, admin, category, { name: `Laptop ${word}k spare` });
  assert.equal(new Set(ids(await search(world, a.sessions.user.accessToken, `q=${word}k`))), new Set([published.id, owned]));
  assert.equal(new Set(ids(await search(world, a.sessions.technician.accessToken, `q=${word}k`))), new Set([published.id, draft.id, internal.id, owned, notOwned]));
  assert.equal(ids(await search(world, a.sessions.user.accessToken, `q=${word}k&type=article`)), [published.id]);
});

test('another tenant finds nothing of this one', async (world) => {
  const { a, b, word } = world;
  await openTicket(world, a.sessions.admin.accessToken, `Only tenant A has ${word}t`);
  assert.equal(ids(await search(world, b.sessions.admin.accessToken, `q=${word}t`)), []);
  assert.ok(ids(await search(world, a.sessions.admin.accessToken, `q=${word}t`)).length === 1);
});

test('pages through matches with nextCursor, each once', async (world) => {
  const { a, word } = world;
  const made = await Promise.all(Array.from({ length: 7 }, (_, n) => openTicket(world, a.sessions.admin.accessToken, `Monitor ${word}p flicker ${n}`)));
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: SearchAnswer = await search(world, a.sessions.admin.accessToken, `q=${word}p&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    assert.ok(page.data.length <= 3);
    seen.push(...ids(page));
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(new Set(seen), new Set(made.map((ticket) => ticket.id)));
  assert.is(seen.length, 7);
});

test('GET /tickets?q= lists the matching tickets, in the list order, within the caller scope', async (world) => {
  const { a, word } = world;
  const mine = await openTicket(world, a.sessions.user.accessToken, `Headset ${word}h crackles`);
  const admins = await openTicket(world, a.sessions.admin.accessToken, `Headset ${word}h missing`);
  await openTicket(world, a.sessions.admin.accessToken, 'Unrelated keyboard issue');
  const forAdmin = expectStatus(await call<{ data: Array<{ id: string }> }>(world.api.baseUrl, `/api/v1/tickets?q=${word}h`, { headers: bearer(a.sessions.admin.accessToken) }), 200, 'listing').body;
  assert.equal(
    forAdmin.data.map((ticket) => ticket.id),
    [admins.id, mine.id],
  );
  const forUser = expectStatus(await call<{ data: Array<{ id: string }> }>(world.api.baseUrl, `/api/v1/tickets?q=${word}h`, { headers: bearer(a.sessions.user.accessToken) }), 200, 'listing').body;
  assert.equal(
    forUser.data.map((ticket) => ticket.id),
    [mine.id],
  );
  const filtered = expectStatus(await call<{ data: Array<{ id: string }> }>(world.api.baseUrl, `/api/v1/tickets?q=${word}h&requesterId=${a.sessions.user.id}`, { headers: bearer(a.sessions.admin.accessToken) }), 200, 'listing').body;
  assert.equal(
    filtered.data.map((ticket) => ticket.id),
    [mine.id],
  );
  const empty = await call(world.api.baseUrl, '/api/v1/tickets?q=', { headers: bearer(a.sessions.admin.accessToken) });
  assert.is(empty.status, 400);
});

test('refuses bad input with problem+json 400 and anonymous callers with 401', async (world) => {
  const token = world.a.sessions.admin.accessToken;
  for (const query of ['', 'q=', `q=${'x'.repeat(201)}`, 'q=a&type=user', 'q=a&limit=0', 'q=a&limit=101', 'q=a&cursor=nonsense', 'q=a&teamId=not-a-uuid', 'q=a&colour=red', 'q=a&audience=secret']) {
    const response = await call<{ status: number; errors?: unknown[] }>(world.api.baseUrl, `/api/v1/search?${query}`, { headers: bearer(token) });
    assert.is(response.status, 400, query);
    assert.match(response.headers.get('content-type') ?? '', /problem\+json/);
  }
  assert.is((await call(world.api.baseUrl, '/api/v1/search?q=printer')).status, 401);
});

test.run();
