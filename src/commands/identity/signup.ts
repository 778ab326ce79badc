import { randomBytes, randomUUID } from 'node:crypto';
import { passwordProblems } from '../../auth/passwords.js';
import { ConflictError, ValidationError } from '../../domain/errors.js';
import { requireEmail } from '../../domain/identity/index.js';
import { requireTimeZone } from '../../domain/sla/index.js';
import { SLUG_PATTERN } from '../../domain/tenant/index.js';
import type { CommandContext } from '../metadata.js';
import { defineStarterSla } from '../sla/starter.js';
import { registerTenant } from '../tenants.js';
import type { IdentityDependencies } from './dependencies.js';
import type { TokenPair } from './sessions.js';
import { startSession } from './sessions.js';
import { registerUser } from './users.js';

export interface SignupResult {
  readonly tenant: { readonly id: string; readonly slug: string; readonly name: string };
  readonly user: { readonly id: string; readonly email: string; readonly name: string; readonly role: 'admin' };
  readonly tokens: TokenPair;
}

/** A new tenant with its first admin, signed in, and office hours and an SLA policy to start from. */
export async function signup(
  deps: IdentityDependencies,
  input: { organization: string; email: string; password: string; name: string; timeZone?: string | undefined },
  context: Omit<CommandContext, 'tenantId' | 'actorId'>,
): Promise<SignupResult> {
  const email = requireEmail(input.email);
  const problems = passwordProblems(input.password, { email, name: input.name, organization: input.organization });
  if (problems.length > 0) throw new ValidationError('the password is too weak', problems.map((message) => ({ path: '/password', message })));
  const organization = input.organization.trim();
  if (organization.length === 0 || organization.length > 200) throw new ValidationError('invalid organization', [{ path: '/organization', message: 'between 1 and 200 characters' }]);
  const timeZone = requireTimeZone(input.timeZone);

  const tenantId = randomUUID();
  const userId = randomUUID();
  const commandContext = { ...context, tenantId, actorId: userId };
  const passwordHash = await deps.hasher.hash(input.password);
  const slug = await registerWithFreeSlug(deps, tenantId, organization, commandContext);
  await registerUser(deps, tenantId, { userId, email, name: input.name, role: 'admin', passwordHash }, commandContext);
  await defineStarterSla(deps, { userId, tenantId, role: 'admin', sessionId: 'signup' }, timeZone, commandContext);
  const name = input.name.trim();
  const tokens = await startSession(deps, { id: userId, tenantId, role: 'admin' }, 'signup', commandContext);
  // Read-your-writes: the new tenant can sign in and list itself as soon as this answers.
  await deps.readModelsCaughtUp();
  return { tenant: { id: tenantId, slug, name: organization }, user: { id: userId, email, name, role: 'admin' }, tokens };
}

/** The organization's name as a slug; when taken, the same with a short random suffix. */
async function registerWithFreeSlug(deps: IdentityDependencies, tenantId: string, organization: string, context: CommandContext): Promise<string> {
  const base = slugify(organization);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const slug = attempt === 0 ? base : `${base.slice(0, 33)}-${randomBytes(3).toString('hex')}`;
    try {
      await registerTenant(deps.commands, { tenantId, slug, name: organization }, context);
      return slug;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new ConflictError('could not find a free organization slug; try another organization name');
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return SLUG_PATTERN.test(slug) ? slug : `org-${randomBytes(3).toString('hex')}`;
}
