import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/domain/permissions.js';
import type { JsonResponse } from './api.js';
import { call } from './api.js';

/**
 * Tenants, people and groups set up over the real HTTP API, the way a client would, for tests
 * that need signed-in callers of every role.
 */

const WORDS = ['quiet', 'heron', 'basalt', 'amber', 'willow', 'granite', 'lantern', 'meadow', 'copper', 'sparrow', 'harbor', 'violet', 'thistle', 'cobalt'];

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** Long, not common, and made of words no fixture name or address contains. */
export function strongPassword(): string {
  const pick = (): string => WORDS[randomBytes(1)[0]! % WORDS.length]!;
  return `${pick()}-${pick()}-${pick()}-${randomBytes(3).toString('hex')}`;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** Set-up calls must succeed; a failure says which call and what came back. */
export function expectStatus<T>(response: JsonResponse<T>, expected: number, what: string): JsonResponse<T> {
  if (response.status !== expected) throw new Error(`${what}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response;
}

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  /** Changes when a test changes it over the API. */
  password: string;
}

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
}

export interface Session extends Account {
  readonly tenantId: string;
  readonly tenantSlug: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

export interface SignedUpTenant {
  readonly id: string;
  readonly slug: string;
  readonly admin: Account;
  readonly tokens: TokenPair;
}

export async function signupTenant(baseUrl: string, label: string): Promise<SignedUpTenant> {
  const suffix = uniqueSuffix();
  const password = strongPassword();
  const body = { organization: `${label} ${suffix}`, email: `owner-${suffix}@${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`, password, name: `Owner ${suffix}` };
  const response = expectStatus(
    await call<{ tenant: { id: string; slug: string }; user: { id: string; email: string; name: string }; accessToken: string; refreshToken: string }>(baseUrl, '/api/v1/signup', { method: 'POST', json: body }),
    201,
    `signup of ${label}`,
  );
  const { tenant, user, accessToken, refreshToken } = response.body;
  return { id: tenant.id, slug: tenant.slug, admin: { id: user.id, email: user.email, name: user.name, role: 'admin', password }, tokens: { accessToken, refreshToken } };
}

export async function createUser(baseUrl: string, adminToken: string, role: Role, label: string = role): Promise<Account> {
  const suffix = uniqueSuffix();
  const password = strongPassword();
  const body = { email: `${label}-${suffix}@staff.example`, name: `${label} ${suffix}`, role, password };
  const response = expectStatus(await call<{ id: string; email: string; name: string }>(baseUrl, '/api/v1/users', { method: 'POST', json: body, headers: bearer(adminToken) }), 201, `creating a ${role}`);
  return { id: response.body.id, email: response.body.email, name: response.body.name, role, password };
}

export async function login(baseUrl: string, slug: string, email: string, password: string): Promise<TokenPair> {
  const response = expectStatus(await call<TokenPair>(baseUrl, '/api/v1/auth/login', { method: 'POST', json: { tenant: slug, email, password } }), 200, `signing in ${email}`);
  return { accessToken: response.body.accessToken, refreshToken: response.body.refreshToken };
}

export type GroupCollection = 'teams' | 'departments';

export async function createGroup(baseUrl: string, token: string, collection: GroupCollection, name = `${collection} ${uniqueSuffix()}`): Promise<string> {
  const response = expectStatus(await call<{ id: string }>(baseUrl, `/api/v1/${collection}`, { method: 'POST', json: { name }, headers: bearer(token) }), 201, `creating ${collection}`);
  return response.body.id;
}

export async function addMember(baseUrl: string, token: string, collection: GroupCollection, groupId: string, userId: string): Promise<void> {
  expectStatus(await call(baseUrl, `/api/v1/${collection}/${groupId}/members`, { method: 'POST', json: { userId }, headers: bearer(token) }), 200, `adding a member to ${collection}`);
}

export async function removeMember(baseUrl: string, token: string, collection: GroupCollection, groupId: string, userId: string): Promise<void> {
  expectStatus(await call(baseUrl, `/api/v1/${collection}/${groupId}/members/${userId}`, { method: 'DELETE', headers: bearer(token) }), 200, `removing a member from ${collection}`);
}

export interface TenantFixture {
  readonly id: string;
  readonly slug: string;
  /** One signed-in caller per role; the admin is the one who signed the tenant up. */
  readonly sessions: Readonly<Record<Role, Session>>;
  /** A requester who never calls: the target of /users/:id. */
  readonly subject: Account;
  readonly team: string;
  readonly department: string;
  /** A member of the team and the department (the technician). */
  readonly member: Account;
  /** Every id known to belong to this tenant; tests add what they create. */
  readonly ids: Set<string>;
}

/** A tenant with an admin, a manager, a technician, a requester and an auditor signed in, a team and a department. */
export async function setUpTenant(baseUrl: string, label: string): Promise<TenantFixture> {
  const tenant = await signupTenant(baseUrl, label);
  const adminToken = tenant.tokens.accessToken;
  const [manager, technician, user, auditor, subject] = await Promise.all([
    createUser(baseUrl, adminToken, 'manager'),
    createUser(baseUrl, adminToken, 'technician'),
    createUser(baseUrl, adminToken, 'user'),
    createUser(baseUrl, adminToken, 'auditor'),
    createUser(baseUrl, adminToken, 'user', 'subject'),
  ]);
  const [team, department] = await Promise.all([createGroup(baseUrl, adminToken, 'teams'), createGroup(baseUrl, adminToken, 'departments')]);
  await addMember(baseUrl, adminToken, 'teams', team, technician.id);
  await addMember(baseUrl, adminToken, 'departments', department, technician.id);
  const accounts: Record<Role, Account> = { admin: tenant.admin, manager, technician, user, auditor };
  const entries = await Promise.all(
    (Object.keys(accounts) as Role[]).map(async (role): Promise<[Role, Session]> => {
      const account = accounts[role];
      const tokens = await login(baseUrl, tenant.slug, account.email, account.password);
      return [role, { ...account, ...tokens, tenantId: tenant.id, tenantSlug: tenant.slug }];
    }),
  );
  const sessions = Object.fromEntries(entries) as Record<Role, Session>;
  // Signup gives every tenant a starter calendar and SLA policy: they are the tenant's ids too.
  const starters = await Promise.all(['business-calendars', 'sla-policies'].map(async (collection) => expectStatus(await call<{ data: { id: string }[] }>(baseUrl, `/api/v1/${collection}`, { headers: bearer(adminToken) }), 200, `listing ${collection}`).body.data.map((row) => row.id)));
  const ids = new Set([tenant.id, tenant.admin.id, manager.id, technician.id, user.id, auditor.id, subject.id, team, department, ...starters.flat()]);
  return { id: tenant.id, slug: tenant.slug, sessions, subject, team, department, member: technician, ids };
}
