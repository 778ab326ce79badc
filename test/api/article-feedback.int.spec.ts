import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { ArticleResponse } from '../support/article-fixtures.js';
import { createArticle } from '../support/article-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, setUpTenant } from '../support/identity-fixtures.js';

type Counted = ArticleResponse & { readonly helpfulCount: number; readonly notHelpfulCount: number; readonly resolvedTickets: number };
interface Linked {
  readonly articleId: string;
  readonly status: string;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('article feedback, comments and ticket links over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Feedback A'), setUpTenant(context.api.baseUrl, 'Feedback B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

test('one vote per user: voting again replaces the vote, and the counts never double', async ({ api, a }) => {
  const base = api!.baseUrl;
  const article = await createArticle(base, a!.sessions.admin.accessToken, 'published');
  const vote = (role: keyof TenantFixture['sessions'], helpful: boolean) => call<Counted>(base, `/api/v1/articles/${article.id}/feedback`, { method: 'POST', headers: as(a!, role), json: { helpful, comment: 'my view' } });
  assert.is((await vote('user', true)).status, 200);
  assert.is((await vote('user', true)).status, 200);
  const second = await vote('technician', true);
  assert.equal([second.body.helpfulCount, second.body.notHelpfulCount], [2, 0]);
  const changed = await vote('user', false);
  assert.equal([changed.body.helpfulCount, changed.body.notHelpfulCount], [1, 1]);
  const read = await call<Counted>(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'user') });
  assert.equal([read.body.helpfulCount, read.body.notHelpfulCount, read.body.resolvedTickets], [1, 1, 0]);
});

test("readers' votes and comments do not move the version an author's If-Match names", async ({ api, a }) => {
  const base = api!.baseUrl;
  const article = await createArticle(base, a!.sessions.admin.accessToken, 'draft');
  const before = await call<Counted>(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'technician') });
  const etag = before.headers.get('etag') ?? '';
  assert.ok(etag.length > 0, 'the article carries an ETag');
  assert.is((await call(base, `/api/v1/articles/${article.id}/feedback`, { method: 'POST', headers: as(a!, 'manager'), json: { helpful: true } })).status, 200);
  assert.is((await call(base, `/api/v1/articles/${article.id}/comments`, { method: 'POST', headers: as(a!, 'manager'), json: { body: 'Add the proxy step' } })).status, 201);
  const after = await call<Counted>(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'technician') });
  assert.equal([after.headers.get('etag'), after.body.helpfulCount], [etag, 1]);
  const edited = await call<Counted>(base, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: { ...as(a!, 'technician'), 'If-Match': etag }, json: { body: 'With the proxy step' } });
  assert.is(edited.status, 200, JSON.stringify(edited.body));
  assert.equal([edited.body.contentVersion, edited.body.helpfulCount], [2, 1]);
});

test('a requester cannot vote on or comment on a draft; readers comment on what they read', async ({ api, a }) => {
  const base = api!.baseUrl;
  const draft = await createArticle(base, a!.sessions.admin.accessToken, 'draft');
  assert.is((await call(base, `/api/v1/articles/${draft.id}/feedback`, { method: 'POST', headers: as(a!, 'user'), json: { helpful: true } })).status, 404);
  assert.is((await call(base, `/api/v1/articles/${draft.id}/comments`, { method: 'POST', headers: as(a!, 'user'), json: { body: 'hi' } })).status, 404);
  assert.is((await call(base, `/api/v1/articles/${draft.id}/comments`, { method: 'POST', headers: as(a!, 'technician'), json: { body: 'needs a screenshot' } })).status, 201);

  const published = await createArticle(base, a!.sessions.admin.accessToken, 'published');
  const posted = await call<{ id: string; body: string }>(base, `/api/v1/articles/${published.id}/comments`, { method: 'POST', headers: as(a!, 'user'), json: { body: 'This worked for me.' } });
  assert.is(posted.status, 201, JSON.stringify(posted.body));
  const listed = await call<{ data: Array<{ id: string; body: string }> }>(base, `/api/v1/articles/${published.id}/comments`, { headers: as(a!, 'user') });
  assert.equal(
    listed.body.data.map((comment) => comment.body),
    ['This worked for me.'],
  );
});

test('an article linked to a ticket counts the ticket once it is resolved, and only once', async ({ api, a }) => {
  const base = api!.baseUrl;
  const article = await createArticle(base, a!.sessions.admin.accessToken, 'published');
  const draft = await createArticle(base, a!.sessions.admin.accessToken, 'draft');
  const ticket = await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: as(a!, 'user'), json: { type: 'incident', title: 'VPN drops', impact: 'low', urgency: 'low' } });
  assert.is(ticket.status, 201);
  const id = ticket.body.id;
  const link = (articleId: string, role: keyof TenantFixture['sessions'] = 'technician') => call<{ data: Linked[] }>(base, `/api/v1/tickets/${id}/articles`, { method: 'POST', headers: as(a!, role), json: { articleId } });
  assert.is((await link(article.id)).status, 201);
  const again = await link(article.id);
  assert.equal(
    again.body.data.map((row) => row.articleId),
    [article.id],
    'linking twice is one link',
  );
  assert.is((await link(draft.id)).status, 201);
  assert.is((await link(article.id, 'user')).status, 403);

  const asRequester = await call<{ data: Linked[] }>(base, `/api/v1/tickets/${id}/articles`, { headers: as(a!, 'user') });
  assert.equal(
    asRequester.body.data.map((row) => row.articleId),
    [article.id],
    'the requester does not see the draft',
  );

  for (const [step, body] of [
    ['start', undefined],
    ['resolve', { code: 'fixed', notes: 'followed the article' }],
    ['reopen', { reason: 'back again' }],
    ['resolve', { code: 'fixed', notes: 'again' }],
  ] as const) {
    const moved = await call(base, `/api/v1/tickets/${id}/${step}`, { method: 'POST', headers: as(a!, step === 'reopen' ? 'user' : 'technician'), ...(body ? { json: body } : {}) });
    assert.is(moved.status, 200, `${step}: ${JSON.stringify(moved.body)}`);
  }
  const read = await call<Counted>(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'user') });
  assert.is(read.body.resolvedTickets, 1, 'a reopened and re-resolved ticket counts once');
});

test("another tenant's article cannot be linked", async ({ api, a, b }) => {
  const base = api!.baseUrl;
  const foreign = await createArticle(base, b!.sessions.admin.accessToken, 'published');
  const ticket = await call<{ id: string }>(base, '/api/v1/tickets', { method: 'POST', headers: as(a!, 'technician'), json: { type: 'incident', title: 'Printer', impact: 'low', urgency: 'low' } });
  const linked = await call(base, `/api/v1/tickets/${ticket.body.id}/articles`, { method: 'POST', headers: as(a!, 'technician'), json: { articleId: foreign.id } });
  assert.is(linked.status, 400);
  assert.is((await call(base, `/api/v1/articles/${foreign.id}/feedback`, { method: 'POST', headers: as(a!, 'user'), json: { helpful: true } })).status, 404);
});

test.run();
