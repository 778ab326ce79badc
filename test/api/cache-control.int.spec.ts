import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { totpCodeAt } from '../../src/auth/totp.js';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, expectStatus, signupTenant } from '../support/identity-fixtures.js';

const test = suite<{ api?: RunningApi }>('no cache keeps an answer with tokens or a caller’s data', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '100000' } });
});
test.after(async (context) => {
  await context.api?.close();
});

const noStore = (response: JsonResponse, what: string) => assert.is(response.headers.get('cache-control'), 'no-store', what);

test('every answer that carries tokens says no-store: signup, login, refresh, second factor', async ({ api }) => {
  const baseUrl = api!.baseUrl;
  const suffix = Date.now().toString(36);
  const password = 'quiet-heron-basalt-71';
  const signup = expectStatus(
    await call<{ tenant: { slug: string }; user: { email: string }; accessToken: string; refreshToken: string }>(baseUrl, '/api/v1/signup', { method: 'POST', json: { organization: `Cache ${suffix}`, email: `owner-${suffix}@cache.example`, password, name: 'Olive Owner' } }),
    201,
    'signup',
  );
  noStore(signup, 'signup');
  const credentials = { tenant: signup.body.tenant.slug, email: signup.body.user.email, password };
  const login = expectStatus(await call<{ refreshToken: string }>(baseUrl, '/api/v1/auth/login', { method: 'POST', json: credentials }), 200, 'login');
  noStore(login, 'login');
  const refresh = expectStatus(await call(baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: login.body.refreshToken } }), 200, 'refresh');
  noStore(refresh, 'refresh');

  const setup = expectStatus(await call<{ secret: string }>(baseUrl, '/api/v1/auth/mfa/setup', { method: 'POST', headers: bearer(signup.body.accessToken) }), 200, 'mfa setup');
  noStore(setup, 'the second-factor secret');
  const enabled = expectStatus(await call(baseUrl, '/api/v1/auth/mfa/enable', { method: 'POST', headers: bearer(signup.body.accessToken), json: { code: totpCodeAt(setup.body.secret, new Date(Date.now() - 30_000)) } }), 200, 'mfa enable');
  noStore(enabled, 'the recovery codes');
  const challenge = expectStatus(await call<{ mfaToken: string }>(baseUrl, '/api/v1/auth/login', { method: 'POST', json: credentials }), 200, 'login with a second factor');
  noStore(challenge, 'the sign-in challenge');
  const verified = expectStatus(await call(baseUrl, '/api/v1/auth/mfa/verify', { method: 'POST', json: { mfaToken: challenge.body.mfaToken, code: totpCodeAt(setup.body.secret, new Date()) } }), 200, 'mfa verify');
  noStore(verified, 'mfa verify');
});

test('every answer to a signed-in request says no-store, refusals included', async ({ api }) => {
  const { tokens } = await signupTenant(api!.baseUrl, 'Cache');
  noStore(expectStatus(await call(api!.baseUrl, '/api/v1/me', { headers: bearer(tokens.accessToken) }), 200, 'me'), 'me');
  noStore(expectStatus(await call(api!.baseUrl, '/api/v1/tickets', { headers: bearer(tokens.accessToken) }), 200, 'tickets'), 'a list');
  noStore(expectStatus(await call(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(tokens.accessToken), json: {} }), 400, 'a bad ticket'), 'a refusal');
  noStore(expectStatus(await call(api!.baseUrl, '/api/v1/me'), 401, 'anonymous'), 'a 401');
  noStore(expectStatus(await call(api!.baseUrl, '/api/v1/auth/login', { method: 'POST', json: { tenant: 'nope', email: 'a@b.example', password: 'x' } }), 401, 'a failed login'), 'a failed login');
});

test('the API reference, the same for everyone, keeps its own revalidation policy', async ({ api }) => {
  const reference = expectStatus(await call(api!.baseUrl, '/api/v1/openapi.json'), 200, 'the reference');
  assert.is(reference.headers.get('cache-control'), 'no-cache');
});

test.run();
