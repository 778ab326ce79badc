import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { ArticleResponse } from '../support/article-fixtures.js';
import { createArticle } from '../support/article-fixtures.js';
import { createCatalogEntry, createRetiredEntry } from '../support/catalog-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant, uniqueSuffix } from '../support/identity-fixtures.js';

interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}
interface Version {
  readonly version: number;
  readonly title: string;
  readonly body: string;
  readonly bodyHtml?: string;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('articles over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Articles A'), setUpTenant(context.api.baseUrl, 'Articles B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);

test('a technician drafts and submits, a manager publishes, and the requester reads it', async ({ api, a }) => {
  const base = api!.baseUrl;
  const category = await createCatalogEntry(base, a!.sessions.admin.accessToken, 'categories');
  const created = await call<ArticleResponse>(base, '/api/v1/articles', { method: 'POST', headers: as(a!, 'technician'), json: { title: 'VPN setup', body: '# Connect\n\nUse **the client**.', tags: ['VPN'], categoryId: category.id, audience: 'public' } });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.equal([created.body.status, created.body.contentVersion, created.body.version], ['draft', 1, 0]);
  assert.match(created.body.bodyHtml, /<h1>Connect<\/h1>/);
  const id = created.body.id;

  assert.is((await call(base, `/api/v1/articles/${id}`, { headers: as(a!, 'user') })).status, 404, 'a requester does not see a draft');
  const submitted = await call<ArticleResponse>(base, `/api/v1/articles/${id}/submit`, { method: 'POST', headers: as(a!, 'technician') });
  assert.is(submitted.body.status, 'in_review');
  assert.is((await call(base, `/api/v1/articles/${id}/publish`, { method: 'POST', headers: as(a!, 'technician') })).status, 403);
  const published = await call<ArticleResponse>(base, `/api/v1/articles/${id}/publish`, { method: 'POST', headers: as(a!, 'manager') });
  assert.equal([published.status, published.body.status, published.body.publishedVersion], [200, 'published', 1]);

  const read = await call<ArticleResponse>(base, `/api/v1/articles/${id}`, { headers: as(a!, 'user') });
  assert.is(read.status, 200);
  assert.is(read.body.title, 'VPN setup');
  const listed = await call<Page<ArticleResponse>>(base, `/api/v1/articles?tag=vpn&categoryId=${category.id}`, { headers: as(a!, 'user') });
  assert.equal(listed.body.data.map((row) => row.id), [id]);
});

test('every edit is a new version, kept in the history', async ({ api, a }) => {
  const base = api!.baseUrl;
  const article = await createArticle(base, a!.sessions.admin.accessToken);
  const edited = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: { ...as(a!, 'technician'), 'If-Match': '"0"' }, json: { body: 'Second *take*' } });
  assert.is(edited.status, 200, JSON.stringify(edited.body));
  assert.equal([edited.body.contentVersion, edited.body.version], [2, 1]);
  await call(base, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: as(a!, 'technician'), json: { title: 'Third title' } });

  const history = await call<{ data: Version[] }>(base, `/api/v1/articles/${article.id}/versions`, { headers: as(a!, 'technician') });
  assert.equal(history.body.data.map((v) => [v.version, v.body]), [[1, 'Some *Markdown*'], [2, 'Second *take*'], [3, 'Second *take*']]);
  assert.is(history.body.data[2]!.title, 'Third title');
  const second = await call<Version>(base, `/api/v1/articles/${article.id}/versions/2`, { headers: as(a!, 'technician') });
  assert.is(second.body.bodyHtml, '<p>Second <em>take</em></p>\n');
  assert.is((await call(base, `/api/v1/articles/${article.id}/versions/9`, { headers: as(a!) })).status, 404);
});

test('two versions diff by field and by body line; bad or missing versions are refused', async ({ api, a, b }) => {
  const base = api!.baseUrl;
  const article = await createArticle(base, a!.sessions.admin.accessToken);
  const body = ['# VPN', '', 'Open the client.', 'Pick the *office* profile.', 'Connect.'].join('\n');
  await call(base, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: as(a!, 'technician'), json: { body, tags: ['vpn', 'remote'] } });
  const edited = body.replace('Pick the *office* profile.', 'Pick the *home* profile.') + '\nCheck the padlock icon.';
  const third = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: as(a!, 'technician'), json: { title: 'VPN from home', body: edited, tags: ['vpn', 'home'], audience: 'internal' } });
  assert.is(third.status, 200, JSON.stringify(third.body));

  const diff = await call<{ from: number; to: number; changes: Record<string, unknown>; body: { changed: boolean; linesAdded: number; linesRemoved: number; hunks: { lines: string[] }[] } }>(
    base,
    `/api/v1/articles/${article.id}/diff?from=2&to=3`,
    { headers: as(a!, 'technician') },
  );
  assert.is(diff.status, 200, JSON.stringify(diff.body));
  assert.equal([diff.body.from, diff.body.to], [2, 3]);
  assert.equal(diff.body.changes, { title: { from: article.title, to: 'VPN from home' }, audience: { from: 'public', to: 'internal' }, tags: { added: ['home'], removed: ['remote'] } });
  assert.equal([diff.body.body.changed, diff.body.body.linesAdded, diff.body.body.linesRemoved], [true, 2, 1]);
  const lines = diff.body.body.hunks.flatMap((hunk) => hunk.lines);
  assert.ok(lines.includes('-Pick the *office* profile.') && lines.includes('+Pick the *home* profile.') && lines.includes('+Check the padlock icon.'), lines.join('\n'));
  assert.ok(lines.includes(' Open the client.'), 'unchanged lines around a change are shown as context');

  const same = await call<{ changes: Record<string, unknown>; body: { changed: boolean; hunks: unknown[] } }>(base, `/api/v1/articles/${article.id}/diff?from=3&to=3`, { headers: as(a!, 'manager') });
  assert.equal([same.status, same.body.changes, same.body.body.changed, same.body.body.hunks], [200, {}, false, []]);
  // Backwards is a diff too: what reverting to the older version would change.
  const backwards = await call<{ changes: { title?: { to: string } } }>(base, `/api/v1/articles/${article.id}/diff?from=3&to=1`, { headers: as(a!) });
  assert.is(backwards.body.changes.title?.to, article.title);

  for (const query of ['from=2', 'from=0&to=1', 'from=a&to=2', 'from=1&to=2&extra=1', '']) {
    const refused = await call(base, `/api/v1/articles/${article.id}/diff?${query}`, { headers: as(a!) });
    assert.is(refused.status, 400, `${query}: ${JSON.stringify(refused.body)}`);
  }
  assert.is((await call(base, `/api/v1/articles/${article.id}/diff?from=1&to=9`, { headers: as(a!) })).status, 404);
  // The history holds drafts: requesters are refused it, and another tenant finds nothing.
  assert.is((await call(base, `/api/v1/articles/${article.id}/diff?from=1&to=2`, { headers: as(a!, 'user') })).status, 404);
  assert.is((await call(base, `/api/v1/articles/${article.id}/diff?from=1&to=2`, { headers: as(b!) })).status, 404);
});

test('a stale If-Match is 412 and changes nothing', async ({ api, a }) => {
  const base = api!.baseUrl;
  const article = await createArticle(base, a!.sessions.admin.accessToken);
  const stale = await call(base, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: { ...as(a!), 'If-Match': '"5"' }, json: { title: 'Lost update' } });
  assert.is(stale.status, 412);
  const read = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}`, { headers: as(a!) });
  assert.equal([read.body.title, read.body.version], [article.title, 0]);
});

test('requesters never see drafts, reviews, archived or internal articles', async ({ api, a }) => {
  const base = api!.baseUrl;
  const token = a!.sessions.admin.accessToken;
  const visible = await createArticle(base, token, 'published');
  const hidden = await Promise.all([createArticle(base, token, 'draft'), createArticle(base, token, 'in_review'), createArticle(base, token, 'archived'), createArticle(base, token, 'published', { audience: 'internal' })]);
  for (const article of hidden) {
    assert.is((await call(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'user') })).status, 404);
    assert.is((await call(base, `/api/v1/articles/${article.id}/versions`, { headers: as(a!, 'user') })).status, 404);
    assert.is((await call(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'technician') })).status, 200);
  }
  const listed = JSON.stringify((await call(base, '/api/v1/articles?limit=100', { headers: as(a!, 'user') })).body);
  assert.ok(listed.includes(visible.id));
  for (const article of hidden) assert.not.ok(listed.includes(article.id), `${article.status} ${article.audience} listed`);
  const asked = await call<Page<ArticleResponse>>(base, '/api/v1/articles?status=draft&limit=100', { headers: as(a!, 'user') });
  assert.equal(asked.body.data, []);
  const agentList = await call<Page<ArticleResponse>>(base, '/api/v1/articles?status=draft&limit=100', { headers: as(a!, 'technician') });
  assert.ok(agentList.body.data.some((row) => row.id === hidden[0].id));
});

test('rendered HTML is sanitized: no scripts, handlers or javascript: links', async ({ api, a }) => {
  const body = 'Hi <script>alert(1)</script> <img src="x.png" onerror="alert(2)"> [click](javascript:alert(3)) <a href="https://ok.example">ok</a>';
  const article = await createArticle(api!.baseUrl, a!.sessions.admin.accessToken, 'published', { body });
  const read = await call<ArticleResponse>(api!.baseUrl, `/api/v1/articles/${article.id}`, { headers: as(a!, 'user') });
  assert.is(read.body.body, body, 'the Markdown is kept as written');
  const html = read.body.bodyHtml;
  assert.not.match(html, /<script/i);
  assert.not.match(html, /onerror/i);
  assert.not.match(html, /javascript:/i);
  assert.match(html, /href="https:\/\/ok.example"/);
});

test("another tenant's articles answer 404 and never show in lists; a retired or foreign category is refused", async ({ api, a, b }) => {
  const base = api!.baseUrl;
  const theirs = await createArticle(base, b!.sessions.admin.accessToken, 'published');
  assert.is((await call(base, `/api/v1/articles/${theirs.id}`, { headers: as(a!) })).status, 404);
  assert.is((await call(base, `/api/v1/articles/${theirs.id}`, { method: 'PATCH', headers: as(a!), json: { title: 'Hijacked' } })).status, 404);
  assert.is((await call(base, `/api/v1/articles/${theirs.id}/archive`, { method: 'POST', headers: as(a!) })).status, 404);
  assert.is((await call(base, `/api/v1/articles/${theirs.id}/versions/1`, { headers: as(a!) })).status, 404);
  assert.not.ok(JSON.stringify((await call(base, '/api/v1/articles?limit=100', { headers: as(a!) })).body).includes(theirs.id));

  const foreignCategory = await createCatalogEntry(base, b!.sessions.admin.accessToken, 'categories');
  const retired = await createRetiredEntry(base, a!.sessions.admin.accessToken, 'categories');
  for (const categoryId of [foreignCategory.id, retired.id]) {
    const refused = await call<{ errors?: Array<{ path: string }> }>(base, '/api/v1/articles', { method: 'POST', headers: as(a!), json: { title: `T ${uniqueSuffix()}`, body: '', categoryId } });
    assert.is(refused.status, 400);
    assert.equal(refused.body.errors?.map((error) => error.path), ['/categoryId']);
  }
});

test('unknown fields and bad filters are refused', async ({ api, a }) => {
  const article = await createArticle(api!.baseUrl, a!.sessions.admin.accessToken);
  const refusals: Array<[string, string, unknown]> = [
    ['POST', '/api/v1/articles', { title: 'T', body: '', status: 'published' }],
    ['POST', '/api/v1/articles', { title: 'T', body: '', kind: 'wiki' }],
    ['PATCH', `/api/v1/articles/${article.id}`, { kind: 'faq' }],
    ['POST', `/api/v1/articles/${article.id}/submit`, { note: 'please' }],
    ['GET', '/api/v1/articles?status=gone', undefined],
    ['GET', '/api/v1/articles?sort=title', undefined],
    ['GET', '/api/v1/articles?cursor=forged', undefined],
  ];
  for (const [method, path, json] of refusals) {
    const response = await call(api!.baseUrl, path, { method, headers: as(a!), ...(json !== undefined ? { json } : {}) });
    assert.is(response.status, 400, `${method} ${path} ${JSON.stringify(json)} → ${response.status}`);
  }
});

test('lists page by title with a keyset cursor', async ({ api, a }) => {
  const tag = `page-${uniqueSuffix()}`.toLowerCase().slice(0, 40);
  const token = a!.sessions.admin.accessToken;
  for (const title of ['Alpha', 'Bravo', 'Charlie']) await createArticle(api!.baseUrl, token, 'draft', { title, tags: [tag] });
  const first = await call<Page<ArticleResponse>>(api!.baseUrl, `/api/v1/articles?tag=${tag}&limit=2`, { headers: as(a!) });
  assert.equal(first.body.data.map((row) => row.title), ['Alpha', 'Bravo']);
  const second = await call<Page<ArticleResponse>>(api!.baseUrl, `/api/v1/articles?tag=${tag}&limit=2&cursor=${first.body.nextCursor}`, { headers: as(a!) });
  assert.equal([second.body.data.map((row) => row.title), second.body.nextCursor], [['Charlie'], null]);
});

test('a published article is revised as a draft version 2 while readers keep reading and finding version 1', async ({ api, a }) => {
  const base = api!.baseUrl;
  const word = `kb${uniqueSuffix().replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
  const article = await createArticle(base, a!.sessions.admin.accessToken, 'published', { title: `Printer ${word}`, body: `Turn the printer off and on: ${word}old.` });

  const revised = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: { ...as(a!, 'technician'), 'If-Match': `"${article.version}"` }, json: { body: `Update the driver first: ${word}new.` } });
  assert.is(revised.status, 200, JSON.stringify(revised.body));
  assert.equal([revised.body.status, revised.body.contentVersion, revised.body.publishedVersion], ['draft', 2, 1], 'authors see the draft of version 2');

  const read = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'user') });
  assert.equal([read.status, read.body.status, read.body.contentVersion, read.body.body], [200, 'published', 1, `Turn the printer off and on: ${word}old.`], 'the requester reads version 1');
  const listed = await call<Page<ArticleResponse>>(base, '/api/v1/articles?limit=100', { headers: as(a!, 'user') });
  assert.is(listed.body.data.find((row) => row.id === article.id)?.contentVersion, 1);
  const search = async (role: 'user' | 'technician', text: string) => ((await call<{ data: Array<{ id: string }> }>(base, `/api/v1/search?q=${text}`, { headers: as(a!, role) })).body.data ?? []).map((hit) => hit.id);
  assert.equal(await search('user', `${word}old`), [article.id], "readers' search finds the published text");
  assert.equal(await search('user', `${word}new`), [], "readers' search never finds the draft's text");
  assert.equal(await search('technician', `${word}new`), [article.id], "agents' search finds the draft's text");

  const history = await call<{ data: Version[] }>(base, `/api/v1/articles/${article.id}/versions`, { headers: as(a!, 'technician') });
  assert.equal(history.body.data.map((version) => version.version), [1, 2], 'the versions list holds both');
  const diff = await call<{ from: number; to: number; body: { linesAdded: number; linesRemoved: number } }>(base, `/api/v1/articles/${article.id}/diff?from=1&to=2`, { headers: as(a!, 'manager') });
  assert.equal([diff.status, diff.body.from, diff.body.to, diff.body.body.linesAdded, diff.body.body.linesRemoved], [200, 1, 2, 1, 1]);

  expectStatus(await call(base, `/api/v1/articles/${article.id}/submit`, { method: 'POST', headers: as(a!, 'technician') }), 200, 'submitting version 2');
  assert.is((await call<ArticleResponse>(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'user') })).body.contentVersion, 1, 'a version in review is not published either');
  const published = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}/publish`, { method: 'POST', headers: as(a!, 'manager') });
  assert.equal([published.status, published.body.status, published.body.publishedVersion], [200, 'published', 2]);
  const after = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'user') });
  assert.equal([after.body.contentVersion, after.body.body], [2, `Update the driver first: ${word}new.`], 'readers see version 2 once it is published');
  assert.equal(await search('user', `${word}new`), [article.id]);
  assert.equal(await search('user', `${word}old`), []);
});

test('an author discards the pending revision: the working copy is the published version again, the history keeps both', async ({ api, a }) => {
  const base = api!.baseUrl;
  const article = await createArticle(base, a!.sessions.admin.accessToken, 'published', { title: `Discard ${uniqueSuffix()}` });
  expectStatus(await call(base, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: as(a!, 'technician'), json: { title: 'A change of mind' } }), 200, 'revising');
  assert.is((await call(base, `/api/v1/articles/${article.id}/discard-draft`, { method: 'POST', headers: as(a!, 'user') })).status, 403, 'a requester may not');
  const discarded = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}/discard-draft`, { method: 'POST', headers: as(a!, 'technician') });
  assert.is(discarded.status, 200, JSON.stringify(discarded.body));
  assert.equal([discarded.body.status, discarded.body.title, discarded.body.contentVersion, discarded.body.publishedVersion], ['published', article.title, 1, 1]);
  const again = await call<{ detail: string }>(base, `/api/v1/articles/${article.id}/discard-draft`, { method: 'POST', headers: as(a!, 'technician') });
  assert.equal([again.status, again.body.detail], [409, 'cannot discard the draft of an article: it has no unpublished revision']);
  const next = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}`, { method: 'PATCH', headers: as(a!, 'technician'), json: { body: 'Third' } });
  assert.equal([next.body.contentVersion, next.body.title], [3, article.title], 'the next edit starts from the published version');
  const history = await call<{ data: Version[] }>(base, `/api/v1/articles/${article.id}/versions`, { headers: as(a!, 'technician') });
  assert.equal(history.body.data.map((version) => version.version), [1, 2, 3]);
});

test('archiving a published article with a revision pending hides it from readers', async ({ api, a }) => {
  const base = api!.baseUrl;
  const article = await createArticle(base, a!.sessions.admin.accessToken, 'revising');
  const archived = await call<ArticleResponse>(base, `/api/v1/articles/${article.id}/archive`, { method: 'POST', headers: as(a!, 'manager') });
  assert.equal([archived.status, archived.body.status, archived.body.publishedVersion], [200, 'archived', null]);
  assert.is((await call(base, `/api/v1/articles/${article.id}`, { headers: as(a!, 'user') })).status, 404);
});

test.run();
