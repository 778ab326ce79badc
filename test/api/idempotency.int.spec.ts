import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { AppState } from '../../src/api/context.js';
import { commandContext } from '../../src/api/http.js';
import type { IdempotencyLog } from '../../src/api/middleware/idempotency.js';
import { idempotent } from '../../src/api/middleware/idempotency.js';
import { decidedMetadataFor } from '../../src/commands/metadata.js';
import { formatPosition } from '../../src/eventstore/types.js';
import { ValidationError } from '../../src/domain/errors.js';
import type { IdempotencyStore } from '../../src/idempotency/index.js';
import { KnexIdempotencyStore } from '../../src/idempotency/index.js';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';

interface ThingInput {
  thingId: string;
  name: string;
  refuse?: boolean;
  delayMs?: number;
}
interface Thing {
  id: string;
  name: string;
  version: number;
}

let api: RunningApi | undefined;
const system = () => {
  if (!api) throw new Error('the API is not running');
  return api.system;
};
/** Handler runs: the number the middleware must keep from growing on a retry. */
let runs = 0;
/** Things whose next creation fails with a 500. */
const crashOnce = new Set<string>();

// The router is built before the system exists, so its store is reached through the running system.
const lateStore: IdempotencyStore = {
  claim: (request) => system().idempotency.claim(request),
  complete: (claim, response, retentionMs) => system().idempotency.complete(claim, response, retentionMs),
  release: (claim) => system().idempotency.release(claim),
  purgeExpired: (limit) => system().idempotency.purgeExpired(limit),
};

/** Stands in for authentication: `X-Test-Actor: <tenant>/<user>`, only on this test router. */
const testActor: Middleware<AppState> = async (ctx, next) => {
  const match = /^([\w-]+)\/([\w-]+)$/.exec(ctx.get('X-Test-Actor'));
  if (match) ctx.state.actor = { tenantId: match[1]!, userId: match[2]!, role: 'technician', sessionId: 'test-session' };
  await next();
};

const things = new Router<AppState>({ prefix: '/api/v1/test-things' });
things.use(testActor);
things.use(idempotent(lateStore));
things.post('/', async (ctx) => {
  runs += 1;
  const input = ctx.state.body as ThingInput;
  if (input.delayMs) await new Promise((resolve) => setTimeout(resolve, input.delayMs));
  if (input.refuse) throw new ValidationError('that name is refused', [{ path: '/name', message: 'refused' }]);
  // A fault of the server's, not of the request: the same request succeeds once it has passed.
  if (crashOnce.delete(input.thingId)) throw new Error('the disk caught fire');
  // 'any': were the handler to run twice, the stream would show two events.
  const appended = await system().store.appendToStream(`thing-${input.thingId}`, [{ id: randomUUID(), type: 'ThingCreated', data: { name: input.name }, metadata: {} }], 'any');
  ctx.status = 201;
  ctx.set('Location', `/api/v1/test-things/${input.thingId}`);
  ctx.set('ETag', `"${appended.nextExpectedRevision}"`);
  ctx.body = { id: input.thingId, name: input.name, version: appended.nextExpectedRevision, servedBy: ctx.state.requestId };
});

/** Things whose answer is lost after their append, as when the process dies before `complete`. */
const answerLost = new Set<string>();
const forgetfulStore: IdempotencyStore = {
  ...lateStore,
  complete: (claim, response, retentionMs) => {
    const body = response.body;
    const id = typeof body === 'object' && body !== null && !Array.isArray(body) ? body.id : undefined;
    if (typeof id === 'string' && answerLost.has(id)) return Promise.reject(new Error('the process died before the answer was kept'));
    return system().idempotency.complete(claim, response, retentionMs);
  },
};
const lateLog: IdempotencyLog = { findByIdempotencyKey: (key) => system().store.findByIdempotencyKey(key) };

// The same things on a route whose middleware reads the log, with no replay of its own: its
// events carry the request's key, as every command's do (handleCommand appends them so).
const loggedThings = new Router<AppState>({ prefix: '/api/v1/test-logged-things' });
loggedThings.use(testActor);
loggedThings.use(idempotent(forgetfulStore, { log: lateLog }));
loggedThings.post('/', async (ctx) => {
  runs += 1;
  const input = ctx.state.body as ThingInput;
  const metadata = decidedMetadataFor(commandContext(ctx, ctx.state.actor ?? null, new Date()));
  const appended = await system().store.appendToStream(`thing-${input.thingId}`, [{ id: randomUUID(), type: 'ThingCreated', data: { name: input.name }, metadata }], 'any');
  ctx.status = 201;
  ctx.body = { id: input.thingId, name: input.name, version: appended.nextExpectedRevision };
});

function post(input: ThingInput, headers: Record<string, string> = {}): Promise<JsonResponse<Thing & Record<string, unknown>>> {
  return call(api!.baseUrl, '/api/v1/test-things', { method: 'POST', json: input, headers });
}

async function eventsOf(thingId: string): Promise<number> {
  return (await system().store.readStream(`thing-${thingId}`)).length;
}

const thing = (extra: Partial<ThingInput> = {}): ThingInput => ({ thingId: randomUUID(), name: 'printer on floor 3', ...extra });
const alice = { 'X-Test-Actor': 'tenant-a/alice' };

const test = suite('idempotency keys on command endpoints');

test.before(async () => {
  api = await startApi({ routers: [things, loggedThings] });
});
test.after(async () => {
  await api?.close();
});

test('a retry with the same key replays the first answer and appends nothing', async () => {
  const input = thing();
  const key = randomUUID();
  const before = runs;
  const first = await post(input, { ...alice, 'Idempotency-Key': key });
  assert.is(first.status, 201, JSON.stringify(first.body));
  assert.is(first.headers.get('idempotent-replayed'), null);
  const retry = await post(input, { ...alice, 'Idempotency-Key': key });
  assert.is(retry.status, 201);
  assert.equal(retry.body, first.body);
  assert.is(retry.headers.get('idempotent-replayed'), 'true');
  assert.is(retry.headers.get('location'), first.headers.get('location'));
  assert.is(retry.headers.get('etag'), first.headers.get('etag'));
  assert.match(retry.headers.get('content-type') ?? '', /^application\/json/);
  assert.is.not(retry.headers.get('x-request-id'), first.headers.get('x-request-id'));
  assert.is(runs - before, 1);
  assert.is(await eventsOf(input.thingId), 1);
});

test('the same body with its fields in another order is the same request', async () => {
  const input = thing();
  const key = randomUUID();
  await post(input, { ...alice, 'Idempotency-Key': key });
  const reordered = await call(api!.baseUrl, '/api/v1/test-things', { method: 'POST', body: JSON.stringify({ name: input.name, thingId: input.thingId }), headers: { 'Content-Type': 'application/json', ...alice, 'Idempotency-Key': key } });
  assert.is(reordered.status, 201);
  assert.is(reordered.headers.get('idempotent-replayed'), 'true');
  assert.is(await eventsOf(input.thingId), 1);
});

test('the same key with a different body is a 422 problem and runs nothing', async () => {
  const key = randomUUID();
  const input = thing();
  assert.is((await post(input, { ...alice, 'Idempotency-Key': key })).status, 201);
  const before = runs;
  const other = thing();
  const reused = await post(other, { ...alice, 'Idempotency-Key': key });
  assert.is(reused.status, 422);
  assert.is(reused.body.type, 'urn:itsm:problem:idempotency-key-reused');
  assert.match(reused.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.is(runs, before);
  assert.is(await eventsOf(other.thingId), 0);
});

test('a refusal (4xx) is kept and replayed as it was first answered', async () => {
  const key = randomUUID();
  const input = thing({ refuse: true });
  const before = runs;
  const first = await post(input, { ...alice, 'Idempotency-Key': key });
  assert.is(first.status, 400);
  assert.is(first.body.type, 'urn:itsm:problem:validation');
  const retry = await post(input, { ...alice, 'Idempotency-Key': key });
  assert.is(retry.status, 400);
  assert.equal(retry.body, first.body);
  assert.is(retry.headers.get('idempotent-replayed'), 'true');
  assert.match(retry.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.is(runs - before, 1);
});

test('a failure of ours (5xx) is not kept: the retry runs again, and its answer is kept', async () => {
  const key = randomUUID();
  const input = thing();
  crashOnce.add(input.thingId);
  const before = runs;
  const crashed = await post(input, { ...alice, 'Idempotency-Key': key });
  assert.is(crashed.status, 500);
  const retry = await post(input, { ...alice, 'Idempotency-Key': key });
  assert.is(retry.status, 201, JSON.stringify(retry.body));
  assert.is(retry.headers.get('idempotent-replayed'), null);
  const again = await post(input, { ...alice, 'Idempotency-Key': key });
  assert.is(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.body, retry.body);
  assert.is(runs - before, 2);
  assert.is(await eventsOf(input.thingId), 1);
});

test('20 concurrent requests with one key run the handler exactly once', async () => {
  const key = randomUUID();
  const input = thing({ delayMs: 150 });
  const before = runs;
  const responses = await Promise.all(Array.from({ length: 20 }, () => post(input, { ...alice, 'Idempotency-Key': key })));
  assert.is(runs - before, 1);
  assert.is(await eventsOf(input.thingId), 1);
  const original = responses.filter((response) => response.status === 201 && response.headers.get('idempotent-replayed') === null);
  assert.is(original.length, 1);
  for (const response of responses) {
    if (response === original[0]) continue;
    if (response.status === 409) {
      assert.is(response.body.type, 'urn:itsm:problem:idempotency-key-in-progress');
      assert.is(response.headers.get('retry-after'), '1');
    } else {
      assert.is(response.status, 201);
      assert.is(response.headers.get('idempotent-replayed'), 'true');
      assert.equal(response.body, original[0]!.body);
    }
  }
  assert.ok(responses.some((response) => response.status === 409), 'the others arrived while the first was still running');
});

test('keys are scoped by tenant and caller: the same key is independent for each', async () => {
  const key = randomUUID();
  const callers: Array<Record<string, string>> = [{ 'X-Test-Actor': 'tenant-a/alice' }, { 'X-Test-Actor': 'tenant-a/bob' }, { 'X-Test-Actor': 'tenant-b/alice' }, {}];
  const inputs = callers.map(() => thing());
  const before = runs;
  const firsts = [];
  for (const [index, caller] of callers.entries()) {
    const response = await post(inputs[index]!, { ...caller, 'Idempotency-Key': key });
    assert.is(response.status, 201, `caller ${index}: ${JSON.stringify(response.body)}`);
    assert.is(response.headers.get('idempotent-replayed'), null);
    firsts.push(response);
  }
  assert.is(runs - before, callers.length);
  for (const [index, caller] of callers.entries()) {
    const retry = await post(inputs[index]!, { ...caller, 'Idempotency-Key': key });
    assert.is(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(retry.body, firsts[index]!.body);
  }
  assert.is(runs - before, callers.length);
});

test('an Idempotency-Key that is empty or longer than 255 characters is a 400 problem', async () => {
  const before = runs;
  for (const key of ['k'.repeat(256), '']) {
    const response = await post(thing(), { ...alice, 'Idempotency-Key': key });
    assert.is(response.status, 400, `key of ${key.length}`);
    assert.is(response.body.type, 'urn:itsm:problem:invalid-idempotency-key');
  }
  assert.is(runs, before);
  const longest = await post(thing(), { ...alice, 'Idempotency-Key': `${randomUUID()}${'k'.repeat(219)}` });
  assert.is(longest.status, 201);
});

test('requests without a key run every time', async () => {
  const input = thing();
  const before = runs;
  assert.is((await post(input, alice)).status, 201);
  assert.is((await post(input, alice)).status, 201);
  assert.is(runs - before, 2);
  assert.is(await eventsOf(input.thingId), 2);
});

test('the store forgets an answer once it expires, and takes over a claim whose lease ran out', async () => {
  let now = new Date('2026-11-25T10:00:00Z');
  const store = new KnexIdempotencyStore(system().db.knex, { clock: () => now, purgeIntervalMs: Number.POSITIVE_INFINITY });
  const scope = `test-${randomUUID()}`;
  const request = { scope, key: 'k1', fingerprint: 'f1', leaseMs: 60_000 };

  const first = await store.claim(request);
  if (first.kind !== 'claimed') throw new Error(`expected a claim, got ${first.kind}`);
  assert.equal(await store.claim(request), { kind: 'in_progress', fingerprint: 'f1' });
  assert.ok(await store.complete(first.claim, { status: 201, headers: { Location: '/x' }, body: { ok: true } }, 3_600_000));
  assert.equal(await store.claim(request), { kind: 'done', fingerprint: 'f1', response: { status: 201, headers: { Location: '/x' }, body: { ok: true } } });

  now = new Date(now.getTime() + 3_600_001);
  const afterExpiry = await store.claim({ ...request, fingerprint: 'f2' });
  assert.is(afterExpiry.kind, 'claimed');

  now = new Date(now.getTime() + 60_001);
  const takeover = await store.claim(request);
  if (takeover.kind !== 'claimed' || afterExpiry.kind !== 'claimed') throw new Error('expected the lapsed lease to be taken over');
  assert.is.not(takeover.claim.token, afterExpiry.claim.token);
  // The request that lost its lease can neither record its answer nor free the key of its successor.
  assert.not.ok(await store.complete(afterExpiry.claim, { status: 201, headers: {}, body: null }, 3_600_000));
  await store.release(afterExpiry.claim);
  assert.equal(await store.claim(request), { kind: 'in_progress', fingerprint: 'f1' });
});

test('an answer lost after the append is answered from the log at once and after the lease, 202 with the position, and the handler never runs again', async () => {
  const input = thing();
  answerLost.add(input.thingId);
  const key = randomUUID();
  const before = runs;
  const send = () => call<Record<string, unknown>>(api!.baseUrl, '/api/v1/test-logged-things', { method: 'POST', json: input, headers: { ...alice, 'Idempotency-Key': key } });
  assert.is((await send()).status, 201);
  const [appended] = await system().store.readStream(`thing-${input.thingId}`);
  const accepted = { status: 'accepted', position: formatPosition(appended!.position) };

  // The claim is still in progress (its lease runs): the log proves the commit.
  const atOnce = await send();
  assert.is(atOnce.status, 202);
  assert.equal(atOnce.body, accepted);
  assert.is(atOnce.headers.get('idempotent-replayed'), 'true');
  // Past the lease the key is claimed again, the log still answers, and now the answer is kept.
  answerLost.delete(input.thingId);
  await system().db.knex('idempotency_keys').where({ key }).update({ expires_at: new Date(Date.now() - 1000) });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const late = await send();
    assert.is(late.status, 202);
    assert.equal(late.body, accepted);
    assert.is(late.headers.get('idempotent-replayed'), 'true');
  }
  const kept = await system().db.knex('idempotency_keys').where({ key }).first<{ state: string; status: number }>('state', 'status');
  assert.equal(kept, { state: 'done', status: 202 });
  const otherBody = await call(api!.baseUrl, '/api/v1/test-logged-things', { method: 'POST', json: { ...input, name: 'another printer' }, headers: { ...alice, 'Idempotency-Key': key } });
  assert.is(otherBody.status, 422);
  assert.is(runs - before, 1);
  assert.is(await eventsOf(input.thingId), 1);
});

test('expired keys are purged in bounded batches', async () => {
  // Long ago, so that nothing but this test's rows has expired by its clock.
  let now = new Date('2000-01-01T00:00:00Z');
  const store = new KnexIdempotencyStore(system().db.knex, { clock: () => now, purgeIntervalMs: Number.POSITIVE_INFINITY });
  const scope = `test-${randomUUID()}`;
  for (let index = 0; index < 5; index += 1) await store.claim({ scope, key: `k${index}`, fingerprint: 'f', leaseMs: 1_000 });
  now = new Date(now.getTime() + 1_001);
  const batches: number[] = [];
  for (let batch = await store.purgeExpired(2); batch > 0; batch = await store.purgeExpired(2)) batches.push(batch);
  assert.equal(batches, [2, 2, 1]);
  const left = await system().db.knex('idempotency_keys').where({ scope }).count<Array<{ count: string | number }>>({ count: '*' });
  assert.is(Number(left[0]!.count), 0);
});

test.run();
