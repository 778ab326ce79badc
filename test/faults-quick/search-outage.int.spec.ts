import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { reindexSearch } from '../../src/projections/search/index.js';
import { SEARCH_INDEX } from '../../src/search/postgres/index.js';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, setUpTenant } from '../support/identity-fixtures.js';

/**
 * Issue 10, fault 7: the search index goes away (its table is renamed, so every write to it
 * fails for real) while tickets are opened and commented on. Commands keep succeeding; the search
 * projection retries without holding anything else up; once the index is back it catches up, and
 * what it holds equals a reindex from scratch. (Meilisearch cannot run on this machine; its
 * adapter fails the same way, by throwing from upsert, and meets the same runner.)
 */

const AWAY = `${SEARCH_INDEX}_away`;
const TICKETS_DURING = 6;

const test = suite<{ api?: RunningApi; tenant?: TenantFixture }>('faults: search index unavailable', {});

test.before(async (context) => {
  // Short enough that each command during the outage answers 202 soon, long enough that the set-up's
  // own commands (users, teams) are answered 201 on a loaded machine: 500 ms was not (CI, pass 2).
  context.api = await startApi({ environment: { READ_YOUR_WRITES_TIMEOUT_MS: '5000', RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_LIMIT_PER_ADDRESS: '100000' } });
  context.tenant = await setUpTenant(context.api.baseUrl, 'Findable');
});
test.after(async (context) => {
  await context.api?.close();
});

async function indexRows(api: RunningApi): Promise<unknown[]> {
  return api.system.db.knex(SEARCH_INDEX).where({ deleted: false }).orderBy(['kind', 'id']).select('kind', 'id', 'tenant_id', 'revision', 'title', 'body', 'comments', 'internal', 'status', 'priority', 'assignee_id');
}

test('given the index table gone, commands still succeed; once it returns, the index catches up and equals a reindex', async ({ api, tenant }) => {
  const token = tenant!.sessions.technician.accessToken;
  const open = (title: string) => call<{ id: string; status?: string }>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token), json: { type: 'incident', title, description: `${title}: seen on floor 4`, impact: 'low', urgency: 'medium' } });
  const before = await open('Badge reader offline');
  assert.is(before.status, 201);

  await api!.system.db.knex.raw(`ALTER TABLE ${SEARCH_INDEX} RENAME TO ${AWAY}`);
  const started = Date.now();
  const statuses: number[] = [];
  const opened: string[] = [];
  let accepted = 0;
  for (let index = 0; index < TICKETS_DURING; index += 1) {
    const response = await open(`Projector flickers in room ${index}`);
    statuses.push(response.status);
    if (response.status === 201) opened.push(response.body.id);
    // 202: read-your-writes waits for every projection, search included; the ticket itself is there.
    if (response.status === 202) accepted += 1;
  }
  const commandsMs = Date.now() - started;
  const comment = await call(api!.baseUrl, `/api/v1/tickets/${before.body.id}/comments`, { method: 'POST', headers: bearer(token), json: { body: 'the reader beeps twice, then nothing' } });
  statuses.push(comment.status);
  const searchWhileAway = await call(api!.baseUrl, '/api/v1/search?q=projector', { headers: bearer(token) });
  const lagWhileAway = (await api!.system.projections.lag()).find((lag) => lag.name === 'search');

  await api!.system.db.knex.raw(`ALTER TABLE ${AWAY} RENAME TO ${SEARCH_INDEX}`);
  const returnedAt = Date.now();
  const head = await api!.system.store.headPosition();
  const caughtUp = await api!.system.projections.waitFor(head, 60_000, ['search']);
  const catchUpMs = Date.now() - returnedAt;
  console.log(
    `    while away: ${TICKETS_DURING + 1} commands in ${commandsMs} ms, statuses ${statuses.join(',')}; search answered ${searchWhileAway.status}; search projection ${lagWhileAway?.eventsBehind ?? '?'} events behind; caught up ${catchUpMs} ms after the index returned`,
  );

  // Commands succeed: 2xx, their events in the log, their tickets readable; only search lagged.
  assert.ok(statuses.every((status) => status === 201 || status === 202), statuses.join(','));
  assert.is(searchWhileAway.status, 503, 'a search while the index is away is 503');
  assert.ok(searchWhileAway.headers.get('retry-after'));
  const listed = await call<{ data: Array<{ title: string }> }>(api!.baseUrl, '/api/v1/tickets?limit=100', { headers: bearer(token) });
  assert.is(listed.body.data.filter((ticket) => ticket.title.startsWith('Projector flickers')).length, TICKETS_DURING, 'every ticket opened while the index was away is in the ticket list');
  console.log(`    ${opened.length} answered 201, ${accepted} answered 202`);
  assert.ok(caughtUp, 'the search projection caught up');
  const found = await call<{ data: Array<{ id: string }> }>(api!.baseUrl, '/api/v1/search?q=projector&limit=50', { headers: bearer(token) });
  assert.is(found.status, 200);
  assert.is(found.body.data.length, TICKETS_DURING);

  const live = await indexRows(api!);
  await reindexSearch(api!.system.db.knex, api!.system.search);
  const rebuilt = await indexRows(api!);
  assert.is(live.length, TICKETS_DURING + 1);
  assert.equal(live, rebuilt);
});

test.run();
