import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { totpCodeAt } from '../../src/auth/totp.js';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}
interface SignedUp extends Tokens {
  tenant: { id: string; slug: string; name: string };
  user: { id: string; email: string; name: string; role: string };
}

const PASSWORD = 'quiet-heron-basalt-71';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter += 1)}`;

async function signupTenant(api: RunningApi): Promise<SignedUp> {
  const organization = unique('Org ');
  const response = await call<SignedUp>(api.baseUrl, '/api/v1/signup', { method: 'POST', json: { organization, email: `${unique('owner')}@example.org`, password: PASSWORD, name: 'Olive Owner' } });
  assert.is(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

async function addUser(api: RunningApi, admin: string, role: string): Promise<{ id: string; email: string }> {
  const email = `${unique(role)}@example.org`;
  const response = await call<{ id: string; email: string }>(api.baseUrl, '/api/v1/users', { method: 'POST', headers: bearer(admin), json: { email, name: `Pat ${role}`, role, password: PASSWORD } });
  assert.is(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

async function login(api: RunningApi, tenant: string, email: string, password = PASSWORD) {
  return call<Tokens & { mfaRequired?: boolean; mfaToken?: string; tokenType?: string; expiresIn?: number }>(api.baseUrl, '/api/v1/auth/login', { method: 'POST', json: { tenant, email, password } });
}

// Every password and code checked draws on it (the TOTP tests check several); the flood tests count against it.
const PER_ACCOUNT = 25;
const test = suite<{ api?: RunningApi }>('identity over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ACCOUNT: String(PER_ACCOUNT), LOGIN_LIMIT_PER_ADDRESS: '100000', RATE_LIMIT_PER_MINUTE: '100000' } });
});
test.after(async (context) => {
  await context.api?.close();
});

test('signs up a tenant with its first admin, who is signed in', async ({ api }) => {
  const signed = await signupTenant(api!);
  assert.is(signed.user.role, 'admin');
  assert.match(signed.tenant.slug, /^org-/);
  const me = await call<{ id: string; role: string; tenantId: string }>(api!.baseUrl, '/api/v1/me', { headers: bearer(signed.accessToken) });
  assert.is(me.status, 200);
  assert.is(me.body.id, signed.user.id);
  assert.is(me.body.tenantId, signed.tenant.id);
});

test('refuses a weak or common password and an unknown field at signup', async ({ api }) => {
  const weak = await call<{ errors: Array<{ path: string }> }>(api!.baseUrl, '/api/v1/signup', { method: 'POST', json: { organization: 'Acme', email: 'a@acme.example', password: 'password1234', name: 'A' } });
  assert.is(weak.status, 400);
  assert.ok(weak.body.errors.some((error) => error.path === '/password'));
  const smuggled = await call(api!.baseUrl, '/api/v1/signup', { method: 'POST', json: { organization: 'Acme', email: 'a@acme.example', password: PASSWORD, name: 'A', role: 'admin' } });
  assert.is(smuggled.status, 400);
});

test('a second signup with the same organization name gets its own slug', async ({ api }) => {
  const organization = unique('Twin ');
  const first = await call<SignedUp>(api!.baseUrl, '/api/v1/signup', { method: 'POST', json: { organization, email: 'one@twin.example', password: PASSWORD, name: 'One' } });
  const second = await call<SignedUp>(api!.baseUrl, '/api/v1/signup', { method: 'POST', json: { organization, email: 'two@twin.example', password: PASSWORD, name: 'Two' } });
  assert.is(first.status, 201);
  assert.is(second.status, 201);
  assert.is.not(first.body.tenant.slug, second.body.tenant.slug);
});

test('unknown tenant, unknown user and wrong password answer identically', async ({ api }) => {
  const signed = await signupTenant(api!);
  const answers = await Promise.all([
    login(api!, 'no-such-tenant', signed.user.email),
    login(api!, signed.tenant.slug, 'nobody@example.org'),
    login(api!, signed.tenant.slug, signed.user.email, 'wrong-password-entirely'),
  ]);
  for (const answer of answers) {
    assert.is(answer.status, 401);
    assert.equal({ ...answer.body, requestId: null }, { ...answers[0].body, requestId: null });
  }
  const ok = await login(api!, signed.tenant.slug, signed.user.email);
  assert.is(ok.status, 200);
  assert.is(ok.body.tokenType, 'Bearer');
  assert.ok((ok.body.expiresIn ?? 0) <= 900);
});

test('refresh rotates the token; presenting a used one revokes the whole family', async ({ api }) => {
  const signed = await signupTenant(api!);
  const first = await call<Tokens>(api!.baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: signed.refreshToken } });
  assert.is(first.status, 200);
  assert.is.not(first.body.refreshToken, signed.refreshToken);
  const reused = await call(api!.baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: signed.refreshToken } });
  assert.is(reused.status, 401);
  const afterReuse = await call(api!.baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: first.body.refreshToken } });
  assert.is(afterReuse.status, 401, 'the newest token of the family is revoked too');
  assert.is((await call(api!.baseUrl, '/api/v1/me', { headers: bearer(first.body.accessToken) })).status, 401, 'and so are its access tokens');
});

test('20 parallel refreshes of one token: at most one succeeds', async ({ api }) => {
  const signed = await signupTenant(api!);
  const answers = await Promise.all(Array.from({ length: 20 }, () => call(api!.baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: signed.refreshToken } })));
  const statuses = answers.map((answer) => answer.status);
  assert.ok(statuses.filter((status) => status === 200).length <= 1, statuses.join(','));
  assert.ok(statuses.every((status) => status === 200 || status === 401), statuses.join(','));
});

test('logout ends the session: its refresh token and access token stop working', async ({ api }) => {
  const signed = await signupTenant(api!);
  assert.is((await call(api!.baseUrl, '/api/v1/auth/logout', { method: 'POST', json: { refreshToken: signed.refreshToken } })).status, 204);
  assert.is((await call(api!.baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: signed.refreshToken } })).status, 401);
  assert.is((await call(api!.baseUrl, '/api/v1/me', { headers: bearer(signed.accessToken) })).status, 401);
});

test('a token already verified and cached is still refused once its session or its user is revoked', async ({ api }) => {
  const signed = await signupTenant(api!);
  const tech = await addUser(api!, signed.accessToken, 'technician');
  const session = await login(api!, signed.tenant.slug, tech.email);
  const tokens = api!.system.identity.accessTokens;
  const verify = tokens.verify.bind(tokens);
  let verifications = 0;
  tokens.verify = (token) => {
    verifications += 1;
    return verify(token);
  };
  try {
    for (const token of [signed.accessToken, session.body.accessToken, signed.accessToken, session.body.accessToken]) {
      assert.is((await call(api!.baseUrl, '/api/v1/me', { headers: bearer(token) })).status, 200);
    }
  } finally {
    tokens.verify = verify;
  }
  assert.is(verifications, 1, "only the technician's new token is verified in full; the admin's was cached when it added them");
  assert.is((await call(api!.baseUrl, `/api/v1/users/${tech.id}/deactivate`, { method: 'POST', headers: bearer(signed.accessToken) })).status, 200);
  assert.is((await call(api!.baseUrl, '/api/v1/me', { headers: bearer(session.body.accessToken) })).status, 401, "the user's tokens are denied");
  assert.is((await call(api!.baseUrl, '/api/v1/auth/logout', { method: 'POST', json: { refreshToken: signed.refreshToken } })).status, 204);
  assert.is((await call(api!.baseUrl, '/api/v1/me', { headers: bearer(signed.accessToken) })).status, 401, 'the session is revoked');
});

test('changing the password ends the other sessions and keeps this one', async ({ api }) => {
  const signed = await signupTenant(api!);
  const other = await login(api!, signed.tenant.slug, signed.user.email);
  const wrong = await call(api!.baseUrl, '/api/v1/auth/password', { method: 'POST', headers: bearer(signed.accessToken), json: { currentPassword: 'not-the-password-at-all', newPassword: 'amber-falcon-granite-19' } });
  assert.is(wrong.status, 403);
  const changed = await call(api!.baseUrl, '/api/v1/auth/password', { method: 'POST', headers: bearer(signed.accessToken), json: { currentPassword: PASSWORD, newPassword: 'amber-falcon-granite-19' } });
  assert.is(changed.status, 204);
  assert.is((await call(api!.baseUrl, '/api/v1/me', { headers: bearer(signed.accessToken) })).status, 200);
  assert.is((await call(api!.baseUrl, '/api/v1/me', { headers: bearer(other.body.accessToken) })).status, 401);
  assert.is((await call(api!.baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: other.body.refreshToken } })).status, 401);
  assert.is((await login(api!, signed.tenant.slug, signed.user.email)).status, 401);
  assert.is((await login(api!, signed.tenant.slug, signed.user.email, 'amber-falcon-granite-19')).status, 200);
});

test('a deactivated user cannot sign in, refresh or use a token already issued; reactivation restores sign-in', async ({ api }) => {
  const signed = await signupTenant(api!);
  const tech = await addUser(api!, signed.accessToken, 'technician');
  const session = await login(api!, signed.tenant.slug, tech.email);
  const deactivated = await call<{ status: string }>(api!.baseUrl, `/api/v1/users/${tech.id}/deactivate`, { method: 'POST', headers: bearer(signed.accessToken) });
  assert.is(deactivated.status, 200);
  assert.is(deactivated.body.status, 'deactivated');
  assert.is((await login(api!, signed.tenant.slug, tech.email)).status, 401);
  assert.is((await call(api!.baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: session.body.refreshToken } })).status, 401);
  assert.is((await call(api!.baseUrl, '/api/v1/me', { headers: bearer(session.body.accessToken) })).status, 401);
  const listed = await call<{ data: Array<{ id: string; status: string }> }>(api!.baseUrl, '/api/v1/users?status=deactivated', { headers: bearer(signed.accessToken) });
  assert.equal(listed.body.data.map((user) => user.id), [tech.id], 'nothing is deleted');
  assert.is((await call(api!.baseUrl, `/api/v1/users/${tech.id}/reactivate`, { method: 'POST', headers: bearer(signed.accessToken) })).status, 200);
  assert.is((await login(api!, signed.tenant.slug, tech.email)).status, 200);
});

test('a requester cannot make themselves admin, nor smuggle fields', async ({ api }) => {
  const signed = await signupTenant(api!);
  const requester = await addUser(api!, signed.accessToken, 'user');
  const session = await login(api!, signed.tenant.slug, requester.email);
  const own = `/api/v1/users/${requester.id}`;
  assert.is((await call(api!.baseUrl, own, { method: 'PATCH', headers: bearer(session.body.accessToken), json: { role: 'admin' } })).status, 403);
  assert.is((await call(api!.baseUrl, own, { method: 'PATCH', headers: bearer(session.body.accessToken), json: { tenantId: randomUUID() } })).status, 400);
  const renamed = await call<{ name: string; role: string }>(api!.baseUrl, own, { method: 'PATCH', headers: bearer(session.body.accessToken), json: { name: 'Renamed Requester' } });
  assert.is(renamed.status, 200);
  assert.equal([renamed.body.name, renamed.body.role], ['Renamed Requester', 'user']);
});

test('a refusal says in words which role may not do what', async ({ api }) => {
  const signed = await signupTenant(api!);
  for (const [role, sentence] of [
    ['technician', 'a technician may not add people'],
    ['auditor', 'an auditor may not add people'],
    ['user', 'a user may not add people'],
  ]) {
    const person = await addUser(api!, signed.accessToken, role!);
    const session = await login(api!, signed.tenant.slug, person.email);
    const refused = await call<{ detail: string }>(api!.baseUrl, '/api/v1/users', { method: 'POST', headers: bearer(session.body.accessToken), json: { email: `${unique('x')}@example.org`, name: 'X', role: 'user', password: PASSWORD } });
    assert.equal([refused.status, refused.body.detail], [403, sentence]);
  }
});

test('a stale If-Match is 412 and changes nothing; a fresh one goes through', async ({ api }) => {
  const signed = await signupTenant(api!);
  const team = await call<{ id: string; version: number }>(api!.baseUrl, '/api/v1/teams', { method: 'POST', headers: bearer(signed.accessToken), json: { name: 'Network' } });
  assert.is(team.headers.get('etag'), '"0"');
  const ok = await call<{ name: string }>(api!.baseUrl, `/api/v1/teams/${team.body.id}`, { method: 'PATCH', headers: { ...bearer(signed.accessToken), 'If-Match': '"0"' }, json: { name: 'Networks' } });
  assert.is(ok.status, 200);
  const stale = await call(api!.baseUrl, `/api/v1/teams/${team.body.id}`, { method: 'PATCH', headers: { ...bearer(signed.accessToken), 'If-Match': '"0"' }, json: { name: 'Nets' } });
  assert.is(stale.status, 412);
  const now = await call<{ name: string }>(api!.baseUrl, `/api/v1/teams/${team.body.id}`, { headers: bearer(signed.accessToken) });
  assert.is(now.body.name, 'Networks');
});

test('teams take only active users of their own tenant as members', async ({ api }) => {
  const a = await signupTenant(api!);
  const b = await signupTenant(api!);
  const tech = await addUser(api!, a.accessToken, 'technician');
  const team = await call<{ id: string }>(api!.baseUrl, '/api/v1/teams', { method: 'POST', headers: bearer(a.accessToken), json: { name: 'Desk' } });
  const added = await call<{ members: Array<{ userId: string }> }>(api!.baseUrl, `/api/v1/teams/${team.body.id}/members`, { method: 'POST', headers: bearer(a.accessToken), json: { userId: tech.id } });
  assert.is(added.status, 200);
  assert.equal(added.body.members.map((member) => member.userId), [tech.id]);
  const foreign = await call(api!.baseUrl, `/api/v1/teams/${team.body.id}/members`, { method: 'POST', headers: bearer(a.accessToken), json: { userId: b.user.id } });
  assert.is(foreign.status, 400);
  const removed = await call<{ members: unknown[] }>(api!.baseUrl, `/api/v1/teams/${team.body.id}/members/${tech.id}`, { method: 'DELETE', headers: bearer(a.accessToken) });
  assert.equal(removed.body.members, []);
});

test('an email address belongs to one user per tenant', async ({ api }) => {
  const signed = await signupTenant(api!);
  const again = await call(api!.baseUrl, '/api/v1/users', { method: 'POST', headers: bearer(signed.accessToken), json: { email: signed.user.email.toUpperCase(), name: 'Dup', role: 'user', password: PASSWORD } });
  assert.is(again.status, 409);
});

test('TOTP: setup, enable, sign in with a code; the same code twice is refused; recovery codes work once', async ({ api }) => {
  const signed = await signupTenant(api!);
  const setup = await call<{ secret: string; otpauthUrl: string }>(api!.baseUrl, '/api/v1/auth/mfa/setup', { method: 'POST', headers: bearer(signed.accessToken) });
  assert.is(setup.status, 200);
  assert.match(setup.body.otpauthUrl, /^otpauth:\/\/totp\//);
  const wrongCode = await call(api!.baseUrl, '/api/v1/auth/mfa/enable', { method: 'POST', headers: bearer(signed.accessToken), json: { code: '000000' } });
  assert.is(wrongCode.status, 400);
  // Enable with the previous step's code, so that the current step's code is still unused for sign-in.
  const previous = totpCodeAt(setup.body.secret, new Date(Date.now() - 30_000));
  const enabled = await call<{ recoveryCodes: string[] }>(api!.baseUrl, '/api/v1/auth/mfa/enable', { method: 'POST', headers: bearer(signed.accessToken), json: { code: previous } });
  assert.is(enabled.status, 200, JSON.stringify(enabled.body));
  assert.is(enabled.body.recoveryCodes.length, 10);

  const challenge = await login(api!, signed.tenant.slug, signed.user.email);
  assert.equal([challenge.status, challenge.body.mfaRequired], [200, true]);
  assert.is(challenge.body.accessToken, undefined);
  const code = totpCodeAt(setup.body.secret, new Date());
  const verified = await call<Tokens>(api!.baseUrl, '/api/v1/auth/mfa/verify', { method: 'POST', json: { mfaToken: challenge.body.mfaToken, code } });
  assert.is(verified.status, 200, JSON.stringify(verified.body));
  const again = await login(api!, signed.tenant.slug, signed.user.email);
  const replay = await call(api!.baseUrl, '/api/v1/auth/mfa/verify', { method: 'POST', json: { mfaToken: again.body.mfaToken, code } });
  assert.is(replay.status, 401, 'a code already used in its step is refused');

  const recovery = enabled.body.recoveryCodes[0]!;
  assert.is((await call(api!.baseUrl, '/api/v1/auth/mfa/verify', { method: 'POST', json: { mfaToken: again.body.mfaToken, code: recovery } })).status, 200);
  const third = await login(api!, signed.tenant.slug, signed.user.email);
  assert.is((await call(api!.baseUrl, '/api/v1/auth/mfa/verify', { method: 'POST', json: { mfaToken: third.body.mfaToken, code: recovery } })).status, 401, 'each recovery code works once');
});

test('20 parallel sign-ins with one TOTP code: exactly one succeeds', async ({ api }) => {
  const signed = await signupTenant(api!);
  const setup = await call<{ secret: string }>(api!.baseUrl, '/api/v1/auth/mfa/setup', { method: 'POST', headers: bearer(signed.accessToken) });
  await call(api!.baseUrl, '/api/v1/auth/mfa/enable', { method: 'POST', headers: bearer(signed.accessToken), json: { code: totpCodeAt(setup.body.secret, new Date(Date.now() - 30_000)) } });
  const challenges = await Promise.all(Array.from({ length: 4 }, () => login(api!, signed.tenant.slug, signed.user.email)));
  const code = totpCodeAt(setup.body.secret, new Date());
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(api!.baseUrl, '/api/v1/auth/mfa/verify', { method: 'POST', json: { mfaToken: challenges[i % 4]!.body.mfaToken, code } })));
  const statuses = answers.map((answer) => answer.status);
  assert.is(statuses.filter((status) => status === 200).length, 1, statuses.join(','));
});

test('150 bad passwords, serial and 50-way parallel: no more than the limit are evaluated', async ({ api }) => {
  const signed = await signupTenant(api!);
  const serial: number[] = [];
  for (let i = 0; i < 75; i += 1) serial.push((await login(api!, signed.tenant.slug, signed.user.email, `wrong-password-${i}-x`)).status);
  assert.is(serial.filter((status) => status === 401).length, PER_ACCOUNT);
  assert.is(serial.filter((status) => status === 429).length, 75 - PER_ACCOUNT);
  const other = await signupTenant(api!);
  const parallel = await Promise.all(Array.from({ length: 75 }, (_, i) => login(api!, other.tenant.slug, other.user.email, `wrong-password-${i}-y`)));
  const statuses = parallel.map((answer) => answer.status);
  assert.is(statuses.filter((status) => status === 401).length, PER_ACCOUNT, statuses.join(','));
  const limited = parallel.find((answer) => answer.status === 429)!;
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.is((await login(api!, other.tenant.slug, other.user.email)).status, 429, 'even the right password waits out the limit');
});

test('forged, expired, misaddressed and wrong-kind tokens are all 401', async ({ api }) => {
  const signed = await signupTenant(api!);
  const [header, payload] = signed.accessToken.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rs256 = (() => {
    const head = encode({ alg: 'RS256', typ: 'JWT', kid: 'test' });
    const body = encode(claims);
    const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url');
    return `${head}.${body}.${signature}`;
  })();
  const forged = [
    `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    `${header}.${encode({ ...claims, role: 'admin', tid: randomUUID() })}.${signed.accessToken.split('.')[2]}`,
    `${header}.${encode({ ...claims, exp: 1_000 })}.${signed.accessToken.split('.')[2]}`,
    rs256,
    publicKey.export({ type: 'spki', format: 'pem' }).toString().replace(/\s/g, '').slice(0, 200),
    signed.refreshToken,
  ];
  for (const token of forged) {
    const answer = await call(api!.baseUrl, '/api/v1/me', { headers: bearer(token) });
    assert.is(answer.status, 401, token.slice(0, 40));
    assert.is(answer.headers.get('www-authenticate'), 'Bearer');
  }
  assert.is((await call(api!.baseUrl, '/api/v1/me', { headers: { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } })).status, 401);
});

test('lists users a page at a time with a keyset cursor', async ({ api }) => {
  const signed = await signupTenant(api!);
  for (const role of ['manager', 'technician', 'user']) await addUser(api!, signed.accessToken, role);
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const path: string = `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await call<{ data: Array<{ id: string; name: string }>; nextCursor: string | null }>(api!.baseUrl, path, { headers: bearer(signed.accessToken) });
    assert.is(page.status, 200);
    seen.push(...page.body.data.map((user) => user.name));
    cursor = page.body.nextCursor;
    pages += 1;
  } while (cursor && pages < 5);
  assert.is(pages, 2);
  assert.equal(seen, [...seen].sort());
  assert.is(new Set(seen).size, 4);
  assert.is((await call(api!.baseUrl, '/api/v1/users?cursor=garbage', { headers: bearer(signed.accessToken) })).status, 400);
  assert.is((await call(api!.baseUrl, '/api/v1/users?limit=1000', { headers: bearer(signed.accessToken) })).status, 400);
  assert.is((await call(api!.baseUrl, '/api/v1/users?sneaky=1', { headers: bearer(signed.accessToken) })).status, 400);
});

test('ids of another tenant answer 404, never the record', async ({ api }) => {
  const a = await signupTenant(api!);
  const b = await signupTenant(api!);
  const team = await call<{ id: string }>(api!.baseUrl, '/api/v1/teams', { method: 'POST', headers: bearer(a.accessToken), json: { name: 'Secret team' } });
  assert.is((await call(api!.baseUrl, `/api/v1/users/${a.user.id}`, { headers: bearer(b.accessToken) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/teams/${team.body.id}`, { headers: bearer(b.accessToken) })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/teams/${team.body.id}`, { method: 'PATCH', headers: bearer(b.accessToken), json: { name: 'Mine now' } })).status, 404);
  assert.is((await call(api!.baseUrl, `/api/v1/users/${a.user.id}/deactivate`, { method: 'POST', headers: bearer(b.accessToken) })).status, 404);
  assert.is((await call(api!.baseUrl, '/api/v1/users/not-a-uuid', { headers: bearer(b.accessToken) })).status, 404);
  const list = await call<{ data: Array<{ id: string }> }>(api!.baseUrl, '/api/v1/users', { headers: bearer(b.accessToken) });
  assert.equal(list.body.data.map((user) => user.id), [b.user.id]);
});

test.run();
