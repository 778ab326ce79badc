import { request } from 'node:http';
import Router from '@koa/router';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { AppState } from '../../src/api/context.js';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';

const test = suite<{ api?: RunningApi }>('api skeleton', {});

/** fetch refuses to send TRACE; node:http sends any method. */
function rawRequest(baseUrl: string, method: string, path: string): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const sent = request(`${baseUrl}${path}`, { method }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

// A route that fails the way a bug would, with SQL in the message, to prove none of it leaks.
const failing = new Router<AppState>();
failing.get('/api/v1/test-failure', () => {
  throw new Error('relation "secret_table" does not exist: SELECT * FROM secret_table');
});
failing.post('/api/v1/test-echo', (ctx) => {
  ctx.body = { received: ctx.state.body ?? null };
});

test.before(async (context) => {
  context.api = await startApi({ environment: { BODY_LIMIT_BYTES: '2048' }, routers: [failing] });
});
test.after(async (context) => {
  await context.api?.close();
});

test('healthz says the process is alive', async ({ api }) => {
  const response = await call(api!.baseUrl, '/healthz');
  assert.is(response.status, 200);
  assert.equal(response.body, { status: 'ok' });
});

test('readyz reports the database, the event store and projection lag', async ({ api }) => {
  const response = await call<{ status: string; checks: Record<string, { ok: boolean }> }>(api!.baseUrl, '/readyz');
  assert.is(response.status, 200);
  assert.is(response.body.status, 'ready');
  assert.equal(Object.keys(response.body.checks).sort(), ['database', 'eventStore', 'projections', 'volatileState']);
  assert.ok(Object.values(response.body.checks).every((check) => check.ok));
});

test('an unknown path is a 404 problem', async ({ api }) => {
  const response = await call(api!.baseUrl, '/api/v1/nothing-here');
  assert.is(response.status, 404);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.is(response.body.status, 404);
  assert.type(response.body.type, 'string');
});

test('a known path with the wrong method is a 405 problem that says which methods it takes', async ({ api }) => {
  for (const [method, path, allow] of [
    ['DELETE', '/healthz', 'HEAD, GET'],
    ['PUT', '/api/v1/me', 'HEAD, GET'],
    ['GET', '/api/v1/auth/login', 'POST'],
  ] as const) {
    const response = await call(api!.baseUrl, path, { method });
    assert.is(response.status, 405, `${method} ${path}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal([response.body.status, response.body.type], [405, 'urn:itsm:problem:http-405']);
    assert.is(response.headers.get('allow'), allow, `${method} ${path}`);
  }
});

test('a method no route takes (TRACE, PROPFIND, ...) is a 501 problem on any path, never a 500', async ({ api }) => {
  for (const method of ['TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE']) {
    for (const path of ['/healthz', '/api/v1/me', '/api/v1/tickets', '/api/v1/nothing-here', '/']) {
      const response = await rawRequest(api!.baseUrl, method, path);
      assert.is(response.status, 501, `${method} ${path}`);
      assert.match(response.contentType, /^application\/problem\+json/);
      assert.equal([response.body.status, response.body.type], [501, 'urn:itsm:problem:http-501'], `${method} ${path}`);
    }
  }
});

test('OPTIONS answers as before: the methods a path takes, and a CORS preflight is 204', async ({ api }) => {
  const options = await call(api!.baseUrl, '/api/v1/me', { method: 'OPTIONS' });
  assert.is(options.status, 200);
  assert.is(options.headers.get('allow'), 'HEAD, GET');
  const preflight = await call(api!.baseUrl, '/api/v1/tickets', { method: 'OPTIONS', headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'POST' } });
  assert.is(preflight.status, 204);
  assert.is(preflight.headers.get('access-control-allow-origin'), null);
});

test('accepts JSON and hands it to the handler', async ({ api }) => {
  const response = await call(api!.baseUrl, '/api/v1/test-echo', { method: 'POST', json: { a: 1 } });
  assert.is(response.status, 200);
  assert.equal(response.body, { received: { a: 1 } });
});

test('a body that is not JSON is a 415 problem', async ({ api }) => {
  const response = await call(api!.baseUrl, '/api/v1/test-echo', { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.is(response.status, 415);
  assert.is(response.body.type, 'urn:itsm:problem:unsupported-media-type');
});

test('broken JSON is a 400 problem', async ({ api }) => {
  const response = await call(api!.baseUrl, '/api/v1/test-echo', { method: 'POST', body: '{"a":', headers: { 'Content-Type': 'application/json' } });
  assert.is(response.status, 400);
  assert.is(response.body.type, 'urn:itsm:problem:malformed-json');
});

test('a NUL character anywhere in a JSON body is a 400 problem, not a database error', async ({ api }) => {
  const response = await call(api!.baseUrl, '/api/v1/test-echo', { method: 'POST', body: '{"title":"a\\u0000b"}', headers: { 'Content-Type': 'application/json' } });
  assert.is(response.status, 400);
  assert.is(response.body.type, 'urn:itsm:problem:invalid-characters');
  const inKey = await call(api!.baseUrl, '/api/v1/test-echo', { method: 'POST', body: '{"a\\u0000":1}', headers: { 'Content-Type': 'application/json' } });
  assert.is(inKey.status, 400);
  const inQuery = await call(api!.baseUrl, '/api/v1/tickets?tag=a%00b');
  assert.equal([inQuery.status, inQuery.body.type], [400, 'urn:itsm:problem:invalid-characters']);
});

test('a body nested deeper than any route accepts is a 400 problem, however deep', async ({ api }) => {
  // The default body limit, so the deepest body still fits and reaches the JSON checks.
  const roomy = await startApi();
  try {
    for (const depth of [65, 5_000, 200_000]) {
      const response = await call(roomy.baseUrl, '/api/v1/tickets', { method: 'POST', body: `${'['.repeat(depth)}${']'.repeat(depth)}`, headers: { 'Content-Type': 'application/json' } });
      assert.is(response.status, 400, `${depth} deep: ${response.status}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
  } finally {
    await roomy.close();
  }
  const fine = await call(api!.baseUrl, '/api/v1/test-echo', { method: 'POST', body: `{"a":${'['.repeat(20)}1${']'.repeat(20)}}`, headers: { 'Content-Type': 'application/json' } });
  assert.is(fine.status, 200);
});

test('a body over the limit is a 413 problem, announced or streamed', async ({ api }) => {
  const big = JSON.stringify({ text: 'x'.repeat(4096) });
  const announced = await call(api!.baseUrl, '/api/v1/test-echo', { method: 'POST', body: big, headers: { 'Content-Type': 'application/json' } });
  assert.is(announced.status, 413);
  const streamed = await call(api!.baseUrl, '/api/v1/test-echo', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    }),
    duplex: 'half',
  });
  assert.is(streamed.status, 413);
});

test('a failure of ours is a 500 problem with no stack trace or SQL', async ({ api }) => {
  const response = await call(api!.baseUrl, '/api/v1/test-failure');
  assert.is(response.status, 500);
  const text = JSON.stringify(response.body);
  assert.not.match(text, /secret_table|SELECT|at .*\.ts/);
  assert.is(response.body.requestId, response.headers.get('x-request-id'));
});

test('refuses a client over its rate limit with 429 and Retry-After, but never the probes', async () => {
  const limited = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '3' } });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await call(limited.baseUrl, '/api/v1/anything')).status);
    assert.equal(statuses, [404, 404, 404, 429, 429]);
    const refused = await call(limited.baseUrl, '/api/v1/anything');
    assert.is(refused.body.type, 'urn:itsm:problem:rate-limited');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.is((await call(limited.baseUrl, '/healthz')).status, 200);
  } finally {
    await limited.close();
  }
});

test('keeps a caller-supplied request id and makes one up otherwise', async ({ api }) => {
  const given = await call(api!.baseUrl, '/healthz', { headers: { 'X-Request-Id': 'abc-123' } });
  assert.is(given.headers.get('x-request-id'), 'abc-123');
  const made = await call(api!.baseUrl, '/healthz', { headers: { 'X-Request-Id': 'bad id with spaces' } });
  assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

test.run();
