import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { SignedUpTenant } from '../support/identity-fixtures.js';
import { bearer, signupTenant } from '../support/identity-fixtures.js';
import type { PrivateRedis } from '../support/private-services.js';
import { startPrivateRedis } from '../support/private-services.js';

/**
 * Issue 10, fault 6: Redis (rate limits, the token deny-list) is killed in the middle of a
 * password-guessing run against one account, and later comes back empty. The attempts that get
 * their password checked stay within the per-account limit throughout; signed-in reads go on.
 */

const LIMIT = 10;
const BEFORE_KILL = 4;
const WHILE_DOWN = 12;
const AFTER_RETURN = 8;

const test = suite<{ redis?: PrivateRedis; api?: RunningApi; tenant?: SignedUpTenant }>('faults: Redis killed during a brute-force run', {});

test.before(async (context) => {
  context.redis = await startPrivateRedis();
  context.api = await startApi({
    environment: { REDIS_URL: context.redis.url, REDIS_KEY_PREFIX: 'itsm-fault:', LOGIN_LIMIT_PER_ACCOUNT: String(LIMIT), LOGIN_LIMIT_PER_ADDRESS: '100000', RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  context.tenant = await signupTenant(context.api.baseUrl, 'Guessed');
});
test.after(async (context) => {
  await context.api?.close();
  await context.redis?.close();
});

test(`given a ${LIMIT}-attempt limit, when Redis dies mid-run and returns empty, then at most ${LIMIT} guesses are evaluated and reads go on`, async ({ redis, api, tenant }) => {
  const statuses: number[] = [];
  const guess = async (attempt: number) => {
    const response = await call(api!.baseUrl, '/api/v1/auth/login', { method: 'POST', json: { tenant: tenant!.slug, email: tenant!.admin.email, password: `wrong-guess-${attempt}-basalt` } });
    statuses.push(response.status);
    return response;
  };
  const readTimes: number[] = [];
  const read = async () => {
    const started = Date.now();
    const response = await call(api!.baseUrl, '/api/v1/tickets?limit=5', { headers: bearer(tenant!.tokens.accessToken) });
    readTimes.push(Date.now() - started);
    return response;
  };

  for (let attempt = 0; attempt < BEFORE_KILL; attempt += 1) await guess(attempt);
  assert.is((await read()).status, 200);

  await redis!.kill();
  const downStarted = Date.now();
  const readsWhileDown: number[] = [];
  const readsBefore = readTimes.length;
  for (let attempt = BEFORE_KILL; attempt < BEFORE_KILL + WHILE_DOWN; attempt += 1) {
    await guess(attempt);
    if (attempt % 3 === 0) readsWhileDown.push((await read()).status);
  }
  const downMs = Date.now() - downStarted;
  const readMsWhileDown = readTimes.slice(readsBefore);

  await redis!.start();
  const readsAfter: number[] = [];
  for (let attempt = BEFORE_KILL + WHILE_DOWN; attempt < BEFORE_KILL + WHILE_DOWN + AFTER_RETURN; attempt += 1) {
    await guess(attempt);
    readsAfter.push((await read()).status);
  }

  const evaluated = statuses.filter((status) => status === 401).length;
  const limited = statuses.filter((status) => status === 429).length;
  console.log(`    ${statuses.length} guesses: ${evaluated} evaluated (401), ${limited} refused (429); statuses in order ${statuses.join(',')}; reads while Redis was down (${downMs} ms): ${readsWhileDown.join(',')} taking ${readMsWhileDown.join(',')} ms; after its return: ${readsAfter.join(',')}`);

  assert.ok(statuses.every((status) => status === 401 || status === 429), `only 401 and 429: ${statuses.join(',')}`);
  assert.ok(evaluated <= LIMIT, `${evaluated} guesses evaluated, limit ${LIMIT}`);
  assert.is(evaluated, LIMIT, 'the limit, not an outage, is what refused the rest');
  assert.ok(readsWhileDown.length > 0 && readsWhileDown.every((status) => status === 200), `reads while Redis was down: ${readsWhileDown.join(',')}`);
  assert.ok(readsAfter.every((status) => status === 200), `reads after Redis returned: ${readsAfter.join(',')}`);
});

test.run();
