import { setTimeout as sleep } from 'node:timers/promises';
import Router from '@koa/router';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { AppState } from '../../src/api/context.js';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, createUser, login, signupTenant } from '../support/identity-fixtures.js';

const ALLOWED = 'https://desk.example.com';

// Handlers slower than the request deadline this suite sets. The read is held until the test
// lets it go, so "answered at the deadline, not when the handler finished" is an order, not a time.
let letTheReadFinish: () => void = () => undefined;
const readHeld = new Promise<void>((resolve) => {
  letTheReadFinish = resolve;
});
let readStarted = false;
let readFinished = false;
const slow = new Router<AppState>();
slow.get('/api/v1/test-slow', async (ctx) => {
  readStarted = true;
  // Let go after a while in any case: a server that waited for the handler then fails the test instead of hanging it.
  setTimeout(letTheReadFinish, 10_000).unref();
  await readHeld;
  readFinished = true;
  ctx.body = { late: true };
});
slow.post('/api/v1/test-slow', async (ctx) => {
  await sleep(500);
  ctx.body = { done: true };
});

const test = suite<{ api?: RunningApi }>('observability: the HTTP edge', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { CORS_ORIGINS: `${ALLOWED}, https://other.example.com`, READ_YOUR_WRITES_TIMEOUT_MS: '20000' } });
});
test.after(async (context) => {
  await context.api?.close();
});

function assertHardened(headers: Headers, what: string): void {
  assert.is(headers.get('x-content-type-options'), 'nosniff', what);
  assert.match(headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, what);
  assert.is(headers.get('x-frame-options'), 'DENY', what);
  assert.is(headers.get('referrer-policy'), 'no-referrer', what);
  assert.is(headers.get('x-powered-by'), null, what);
  assert.is(headers.get('server'), null, what);
  // Plain HTTP, no trusted proxy: nothing says the client used TLS.
  assert.is(headers.get('strict-transport-security'), null, what);
}

test('security headers on a 200, a 404 and a problem', async ({ api }) => {
  const ok = await call(api!.baseUrl, '/healthz');
  assert.is(ok.status, 200);
  assertHardened(ok.headers, '200');
  const missing = await call(api!.baseUrl, '/api/v1/nothing-here');
  assert.is(missing.status, 404);
  assertHardened(missing.headers, '404');
  const refused = await call(api!.baseUrl, '/api/v1/me');
  assert.is(refused.status, 401);
  assert.match(refused.headers.get('content-type') ?? '', /problem\+json/);
  assertHardened(refused.headers, '401 problem');
});

test('HSTS only when a trusted proxy says the client came over TLS', async ({ api }) => {
  const untrusted = await call(api!.baseUrl, '/healthz', { headers: { 'X-Forwarded-Proto': 'https' } });
  assert.is(untrusted.headers.get('strict-transport-security'), null);
  const proxied = await startApi({ environment: { TRUST_PROXY: 'true' } });
  try {
    const tls = await call(proxied.baseUrl, '/healthz', { headers: { 'X-Forwarded-Proto': 'https' } });
    assert.match(tls.headers.get('strict-transport-security') ?? '', /^max-age=\d+/);
    const plain = await call(proxied.baseUrl, '/healthz', { headers: { 'X-Forwarded-Proto': 'http' } });
    assert.is(plain.headers.get('strict-transport-security'), null);
  } finally {
    await proxied.close();
  }
});

test('CORS: an allowed origin may read answers, others get no CORS headers', async ({ api }) => {
  const allowed = await call(api!.baseUrl, '/healthz', { headers: { Origin: ALLOWED } });
  assert.is(allowed.headers.get('access-control-allow-origin'), ALLOWED);
  assert.match(allowed.headers.get('access-control-expose-headers') ?? '', /RateLimit-Remaining/);
  assert.match(allowed.headers.get('vary') ?? '', /Origin/);
  const denied = await call(api!.baseUrl, '/healthz', { headers: { Origin: 'https://evil.example.com' } });
  assert.is(denied.status, 200);
  assert.is(denied.headers.get('access-control-allow-origin'), null);
  const problem = await call(api!.baseUrl, '/api/v1/me', { headers: { Origin: ALLOWED } });
  assert.is(problem.status, 401);
  assert.is(problem.headers.get('access-control-allow-origin'), ALLOWED, 'a page may read our refusals too');
});

test('CORS preflight: answered for allowed origins, bare for others', async ({ api }) => {
  const preflight = (origin: string) =>
    fetch(`${api!.baseUrl}/api/v1/tickets`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' } });
  const allowed = await preflight(ALLOWED);
  assert.is(allowed.status, 204);
  assert.is(allowed.headers.get('access-control-allow-origin'), ALLOWED);
  assert.match(allowed.headers.get('access-control-allow-methods') ?? '', /POST/);
  assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /If-Match/);
  const denied = await preflight('https://evil.example.com');
  assert.is(denied.status, 204);
  assert.is(denied.headers.get('access-control-allow-origin'), null);
  assert.is(denied.headers.get('access-control-allow-methods'), null);
});

test('a read past REQUEST_TIMEOUT_MS is a 503 problem with Retry-After; a command is not cut off', async () => {
  // A server of its own: 300 ms for every request would cut off the other tests' requests too on a loaded machine.
  const api = await startApi({ environment: { REQUEST_TIMEOUT_MS: '300' }, routers: [slow] });
  try {
    const read = await call(api.baseUrl, '/api/v1/test-slow');
    assert.is(read.status, 503);
    assert.ok(readStarted && !readFinished, 'answered at the deadline, while the handler was still at work');
    assert.match(read.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.is(read.body.type, 'urn:itsm:problem:request-timeout');
    assert.is(read.headers.get('retry-after'), '1');
    assert.is(read.body.requestId, read.headers.get('x-request-id'));
    const command = await call(api.baseUrl, '/api/v1/test-slow', { method: 'POST', json: {} });
    assert.is(command.status, 200);
    assert.equal(command.body, { done: true });
    // The late handler finishing does not disturb the server.
    letTheReadFinish();
    for (let waited = 0; !readFinished && waited < 5_000; waited += 10) await sleep(10);
    assert.ok(readFinished, 'the held handler finished once let go');
    assert.is((await call(api.baseUrl, '/healthz')).status, 200);
  } finally {
    await api.close();
  }
});

test('list endpoints refuse a limit over 100', async ({ api }) => {
  const { tokens } = await signupTenant(api!.baseUrl, 'Paging');
  for (const path of ['/api/v1/tickets', '/api/v1/users', '/api/v1/assets', '/api/v1/search?q=x']) {
    const response = await call(api!.baseUrl, `${path}${path.includes('?') ? '&' : '?'}limit=1000`, { headers: bearer(tokens.accessToken) });
    assert.is(response.status, 400, path);
  }
});

test('per user: the limit follows the token from any address, with RateLimit-* headers and Retry-After', async () => {
  // Behind a trusted proxy each request may claim another address; the user's own limit still holds.
  const limited = await startApi({ environment: { TRUST_PROXY: 'true', RATE_LIMIT_PER_USER_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '1000', READ_YOUR_WRITES_TIMEOUT_MS: '20000' } });
  try {
    const tenant = await signupTenant(limited.baseUrl, 'Limits');
    const other = await createUser(limited.baseUrl, tenant.tokens.accessToken, 'user');
    // Fresh tokens: signing up and creating a user spent some of the admin's allowance.
    const first = await login(limited.baseUrl, tenant.slug, other.email, other.password);
    const statuses: number[] = [];
    let last: JsonResponse<Record<string, unknown>> | null = null;
    for (let i = 0; i < 4; i += 1) {
      last = await call(limited.baseUrl, '/api/v1/me', { headers: { ...bearer(first.accessToken), 'X-Forwarded-For': `203.0.113.${i + 1}` } });
      statuses.push(last.status);
      if (i === 0) {
        assert.is(last.headers.get('ratelimit-limit'), '3');
        assert.is(last.headers.get('ratelimit-remaining'), '2');
        assert.ok(Number(last.headers.get('ratelimit-reset')) > 0);
      }
    }
    assert.equal(statuses, [200, 200, 200, 429], JSON.stringify(last?.body));
    assert.is(last!.body.type, 'urn:itsm:problem:rate-limited');
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.is(last!.headers.get('ratelimit-remaining'), '0');
    // Another user from the very same address is not held back.
    const admin = await call(limited.baseUrl, '/api/v1/me', { headers: { ...bearer((await login(limited.baseUrl, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken), 'X-Forwarded-For': '203.0.113.1' } });
    assert.is(admin.status, 200);
  } finally {
    await limited.close();
  }
});

test.run();
