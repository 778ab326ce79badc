import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { totpCodeAt } from '../../src/auth/totp.js';
import type { PasswordHasher } from '../../src/auth/passwords.js';
import { argon2idHasher } from '../../src/auth/passwords.js';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { SignedUpTenant } from '../support/identity-fixtures.js';
import { bearer, createUser, expectStatus, signupTenant, strongPassword } from '../support/identity-fixtures.js';

/** The real argon2id hasher, telling the test how many passwords each request verified. */
function countingHasher(): PasswordHasher & { verifications: number } {
  const real = argon2idHasher();
  const counting = {
    verifications: 0,
    hash: (password: string) => real.hash(password),
    verify: (hash: string, password: string) => {
      counting.verifications += 1;
      return real.verify(hash, password);
    },
    verifyAgainstNothing: (password: string) => {
      counting.verifications += 1;
      return real.verifyAgainstNothing(password);
    },
  };
  return counting;
}

const LIMIT = 3;
const hasher = countingHasher();
const test = suite<{ api?: RunningApi }>('one attempt limit per account for every check of a secret', {});

test.before(async (context) => {
  context.api = await startApi({ hasher, environment: { LOGIN_LIMIT_PER_ACCOUNT: String(LIMIT), LOGIN_LIMIT_PER_ADDRESS: '100000', RATE_LIMIT_PER_MINUTE: '100000' } });
});
test.after(async (context) => {
  await context.api?.close();
});

const changePassword = (api: RunningApi, accessToken: string, currentPassword: string) =>
  call(api.baseUrl, '/api/v1/auth/password', { method: 'POST', headers: bearer(accessToken), json: { currentPassword, newPassword: strongPassword() } });
const login = (api: RunningApi, tenant: string, email: string, password: string) => call<{ mfaToken?: string; accessToken?: string }>(api.baseUrl, '/api/v1/auth/login', { method: 'POST', json: { tenant, email, password } });
const verifyCode = (api: RunningApi, mfaToken: string, code: string) => call(api.baseUrl, '/api/v1/auth/mfa/verify', { method: 'POST', json: { mfaToken, code } });

function assertLimited(response: JsonResponse<Record<string, unknown>>, what: string): void {
  assert.is(response.status, 429, what);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.is(response.body.type, 'urn:itsm:problem:rate-limited');
  assert.ok(Number(response.headers.get('retry-after')) >= 1, 'Retry-After says when');
}

/** Turns two-factor on for the tenant's admin; answers the TOTP secret. */
async function withSecondFactor(api: RunningApi, tenant: SignedUpTenant): Promise<string> {
  const headers = bearer(tenant.tokens.accessToken);
  const setup = expectStatus(await call<{ secret: string }>(api.baseUrl, '/api/v1/auth/mfa/setup', { method: 'POST', headers }), 200, 'mfa setup');
  // The previous step's code, so that the current one is still unused afterwards.
  expectStatus(await call(api.baseUrl, '/api/v1/auth/mfa/enable', { method: 'POST', headers, json: { code: totpCodeAt(setup.body.secret, new Date(Date.now() - 30_000)) } }), 200, 'mfa enable');
  return setup.body.secret;
}

test('given wrong current passwords up to the limit, the next change is 429, even with the right password', async ({ api }) => {
  const tenant = await signupTenant(api!.baseUrl, 'Guessed');
  for (let i = 0; i < LIMIT; i += 1) assert.is((await changePassword(api!, tenant.tokens.accessToken, `wrong-current-${i}-x`)).status, 403);
  assertLimited(await changePassword(api!, tenant.tokens.accessToken, 'wrong-current-again'), 'one more wrong password');
  assertLimited(await changePassword(api!, tenant.tokens.accessToken, tenant.admin.password), 'the right password inside the window');
  assert.is((await login(api!, tenant.slug, tenant.admin.email, tenant.admin.password)).status, 429, 'sign-in draws on the same allowance');
});

test('given wrong codes to turn two-factor off up to the limit, the next is 429, even the right code', async ({ api }) => {
  const tenant = await signupTenant(api!.baseUrl, 'Disabled');
  const secret = await withSecondFactor(api!, tenant);
  const disable = (code: string) => call(api!.baseUrl, '/api/v1/auth/mfa/disable', { method: 'POST', headers: bearer(tenant.tokens.accessToken), json: { code } });
  for (let i = 0; i < LIMIT; i += 1) assert.is((await disable(String(100000 + i))).status, 403);
  assertLimited(await disable('999999'), 'one more wrong code');
  assertLimited(await disable(totpCodeAt(secret, new Date())), 'the right code inside the window');
});

test('a new sign-in challenge does not buy new guesses at the code: codes count per account', async ({ api }) => {
  const tenant = await signupTenant(api!.baseUrl, 'Challenged');
  await withSecondFactor(api!, tenant);
  const first = expectStatus(await login(api!, tenant.slug, tenant.admin.email, tenant.admin.password), 200, 'first challenge');
  assert.is((await verifyCode(api!, first.body.mfaToken!, '000000')).status, 401);
  const second = expectStatus(await login(api!, tenant.slug, tenant.admin.email, tenant.admin.password), 200, 'second challenge');
  // Attempts so far: two passwords and one code; the fourth secret is over the limit of three.
  assertLimited(await verifyCode(api!, second.body.mfaToken!, '000001'), 'a code on a fresh challenge');
  assertLimited(await login(api!, tenant.slug, tenant.admin.email, tenant.admin.password), 'a third challenge');
});

test('the limit is per account: another person of the same tenant signs in and checks secrets as usual', async ({ api }) => {
  const tenant = await signupTenant(api!.baseUrl, 'Neighbours');
  const colleague = await createUser(api!.baseUrl, tenant.tokens.accessToken, 'technician');
  for (let i = 0; i <= LIMIT; i += 1) await changePassword(api!, tenant.tokens.accessToken, `wrong-current-${i}-y`);
  assertLimited(await changePassword(api!, tenant.tokens.accessToken, 'wrong-current-z'), 'the guessed account');
  const session = expectStatus(await login(api!, tenant.slug, colleague.email, colleague.password), 200, 'the colleague signs in');
  assert.is((await changePassword(api!, session.body.accessToken!, 'not-my-password-at-all')).status, 403, 'and is told the password is wrong, not to wait');
});

test('every failed sign-in does the same work: one password verification and one user stream read, known email or not', async ({ api }) => {
  const tenant = await signupTenant(api!.baseUrl, 'Timing');
  const departed = await createUser(api!.baseUrl, tenant.tokens.accessToken, 'technician');
  expectStatus(await call(api!.baseUrl, `/api/v1/users/${departed.id}/deactivate`, { method: 'POST', headers: bearer(tenant.tokens.accessToken) }), 200, 'deactivation');
  const store = api!.system.identity.commands.store;
  const readStream = store.readStream.bind(store);
  let userStreamReads = 0;
  store.readStream = (streamId, options) => {
    if (streamId.startsWith('user-')) userStreamReads += 1;
    return readStream(streamId, options);
  };
  try {
    for (const [what, tenantSlug, email, password] of [
      ['an unknown tenant', 'no-such-desk', tenant.admin.email, 'wrong-password-entirely'],
      ['an unknown email', tenant.slug, 'nobody-here@timing.example', 'wrong-password-entirely'],
      ['a known email with a wrong password', tenant.slug, tenant.admin.email, 'wrong-password-entirely'],
      ['a deactivated user with the right password', tenant.slug, departed.email, departed.password],
    ] as const) {
      hasher.verifications = 0;
      userStreamReads = 0;
      assert.is((await login(api!, tenantSlug, email, password)).status, 401, what);
      assert.equal({ verifications: hasher.verifications, userStreamReads }, { verifications: 1, userStreamReads: 1 }, what);
    }
  } finally {
    store.readStream = readStream;
  }
});

test('once the window has passed, the right secret works again', async () => {
  const api = await startApi({ environment: { LOGIN_LIMIT_PER_ACCOUNT: '2', LOGIN_LIMIT_WINDOW_SECONDS: '2', LOGIN_LIMIT_PER_ADDRESS: '100000', RATE_LIMIT_PER_MINUTE: '100000' } });
  try {
    const tenant = await signupTenant(api.baseUrl, 'Patient');
    for (let i = 0; i < 2; i += 1) assert.is((await changePassword(api, tenant.tokens.accessToken, `wrong-current-${i}-w`)).status, 403);
    const refused = await changePassword(api, tenant.tokens.accessToken, tenant.admin.password);
    assertLimited(refused, 'the right password inside the window');
    // The rate limiter keeps its own time (Redis's or this process's), not the system clock: wait it out.
    await sleep(Number(refused.headers.get('retry-after')) * 1000 + 200);
    assert.is((await changePassword(api, tenant.tokens.accessToken, tenant.admin.password)).status, 204);
  } finally {
    await api.close();
  }
});

test.run();
