import * as assert from 'uvu/assert';
import { suite } from '../support/suite.js';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, createUser, expectStatus, login, signupTenant } from '../support/identity-fixtures.js';

/**
 * What each hot request costs the database, everything it sets off included (the append, the
 * read models written inline, the async read models fed after the commit), with the system
 * otherwise idle: counted, not timed, so it holds on a noisy machine. The ceilings are issue 19's
 * budgets (README, "Costs").
 */
const BUDGETS = {
  read: { statements: 2, commits: 0 },
  // Issue 19's budgets, all met. Today (PostgreSQL; PGlite one less, it has no announcement to
  // send): POST /tickets 16, a comment 13, a PATCH 13, a lifecycle action 13. The room left covers
  // the idle feed's look at the log's head, which it skips only when no transaction was open.
  openTicket: { statements: 20, commits: 2 },
  comment: { statements: 15, commits: 2 },
  patch: { statements: 15, commits: 2 },
  lifecycle: { statements: 15, commits: 2 },
} as const;

interface Counted {
  readonly statements: number;
  readonly commits: number;
  readonly texts: readonly string[];
}

const test = suite<{ api?: RunningApi; token?: string; ticketId?: string }>('request cost budgets');

test.before(async (context) => {
  // An idle feed looks at the log once a second; a long idle wait keeps that out of the counts.
  context.api = await startApi({ environment: { PROJECTION_IDLE_WAIT_MS: '60000' } });
  const tenant = await signupTenant(context.api.baseUrl, 'Costs');
  const agent = await createUser(context.api.baseUrl, tenant.tokens.accessToken, 'technician', 'agent');
  context.token = (await login(context.api.baseUrl, tenant.slug, agent.email, agent.password)).accessToken;
  const opened = expectStatus(
    await call<{ id: string }>(context.api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(context.token), json: { type: 'incident', title: 'Warm-up ticket', impact: 'low', urgency: 'low' } }),
    201,
    'opening the warm-up ticket',
  );
  context.ticketId = opened.body.id;
  // Caches warm (the tenant's calendar, the user's session), every read model caught up.
  await call(context.api.baseUrl, `/api/v1/tickets/${opened.body.id}`, { headers: bearer(context.token) });
  await call(context.api.baseUrl, '/api/v1/tickets?limit=25', { headers: bearer(context.token) });
  assert.ok(await context.api.system.projections.settle(30_000), 'read models caught up before counting');
});

test.after(async ({ api }) => {
  await api?.close();
});

/** Counts every statement from the request until the database has been quiet for a while (async read models done). */
async function counted(api: RunningApi, request: () => Promise<unknown>): Promise<Counted> {
  const texts: string[] = [];
  let lastAt = Date.now();
  const stop = api.system.db.statements.listen((text) => {
    texts.push(text);
    lastAt = Date.now();
  });
  try {
    await request();
    const deadline = Date.now() + 15_000;
    while (Date.now() - lastAt < 500 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    stop();
  }
  return { statements: texts.length, commits: texts.filter((text) => /^\s*COMMIT\b/i.test(text)).length, texts };
}

function withinBudget(what: string, cost: Counted, budget: { readonly statements: number; readonly commits: number }): void {
  const listing = cost.texts.map((text, index) => `${index + 1}. ${text.replace(/\s+/g, ' ').slice(0, 140)}`).join('\n');
  assert.ok(cost.statements <= budget.statements, `${what}: ${cost.statements} statements, budget ${budget.statements}:\n${listing}`);
  assert.ok(cost.commits <= budget.commits, `${what}: ${cost.commits} commits, budget ${budget.commits}:\n${listing}`);
}

test('GET /tickets/:id and GET /tickets?limit=25 cost at most 2 statements and no commit', async ({ api, token, ticketId }) => {
  const detail = await counted(api!, async () => expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticketId!}`, { headers: { ...bearer(token!), 'Wait-For-Position': '' } }), 200, 'reading the ticket'));
  withinBudget('GET /tickets/:id', detail, BUDGETS.read);
  const list = await counted(api!, async () => expectStatus(await call(api!.baseUrl, '/api/v1/tickets?limit=25', { headers: { ...bearer(token!), 'Wait-For-Position': '' } }), 200, 'listing tickets'));
  withinBudget('GET /tickets?limit=25', list, BUDGETS.read);
});

test('POST /tickets, with everything it sets off, stays within its ceiling', async ({ api, token }) => {
  const cost = await counted(api!, async () =>
    expectStatus(await call(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token!), json: { type: 'incident', title: 'Counted ticket', impact: 'low', urgency: 'low' } }), 201, 'opening a ticket'),
  );
  withinBudget('POST /tickets', cost, BUDGETS.openTicket);
});

test('a comment, a PATCH and a lifecycle action stay within their ceilings', async ({ api, token, ticketId }) => {
  const comment = await counted(api!, async () =>
    expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticketId!}/comments`, { method: 'POST', headers: bearer(token!), json: { body: 'Looking into it' } }), 201, 'commenting'),
  );
  withinBudget('POST /tickets/:id/comments', comment, BUDGETS.comment);
  const patch = await counted(api!, async () =>
    expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticketId!}`, { method: 'PATCH', headers: bearer(token!), json: { title: 'Warm-up ticket, renamed' } }), 200, 'renaming'),
  );
  withinBudget('PATCH /tickets/:id', patch, BUDGETS.patch);
  const start = await counted(api!, async () => expectStatus(await call(api!.baseUrl, `/api/v1/tickets/${ticketId!}/start`, { method: 'POST', headers: bearer(token!), json: {} }), 200, 'starting work'));
  withinBudget('POST /tickets/:id/start', start, BUDGETS.lifecycle);
});

test('a read that asks for its write waits for the async read models, and a bad position is refused', async ({ api, token }) => {
  const opened = await call<{ id: string }>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token!), json: { type: 'incident', title: 'Findable zebracorn', impact: 'low', urgency: 'low' } });
  const position = opened.headers.get('Log-Position');
  assert.match(position ?? '', /^\d+\/\d+$/, 'a write answers with its Log-Position');
  const found = expectStatus(await call<{ data: Array<{ id: string }> }>(api!.baseUrl, '/api/v1/search?q=zebracorn', { headers: { ...bearer(token!), 'Wait-For-Position': position! } }), 200, 'searching');
  assert.ok(found.body.data.some((hit) => hit.id === opened.body.id), 'search sees the ticket once it has passed the position');
  const bad = await call<{ type: string }>(api!.baseUrl, '/api/v1/tickets', { headers: { ...bearer(token!), 'Wait-For-Position': 'yesterday' } });
  assert.is(bad.status, 400);
  assert.match(bad.headers.get('content-type') ?? '', /problem\+json/);
  const reads = await call(api!.baseUrl, '/api/v1/tickets', { headers: { ...bearer(token!), 'Wait-For-Position': '' } });
  assert.is(reads.headers.get('Log-Position'), null, 'a read appends nothing and answers no position');
});

test.run();
