import { randomUUID } from 'node:crypto';
import type { RegisteredUser } from '../../domain/identity/index.js';
import { userDecider, userStream } from '../../domain/identity/index.js';
import { NotFoundError } from '../../domain/errors.js';
import type { EventStore } from '../../eventstore/types.js';
import type { IdentityDependencies } from './dependencies.js';
import { tenantIdBySlug } from '../../projections/tenants/queries.js';
import { userIdByEmail } from '../../projections/users/queries.js';
import { loadAggregate } from '../handle.js';

/** The user's aggregate, or 404 when it does not exist in this tenant (another tenant's id looks absent). */
export async function loadTenantUser(store: EventStore, tenantId: string, userId: string): Promise<{ user: RegisteredUser; version: number }> {
  const { state, version } = await loadAggregate(store, userDecider, userStream(userId));
  if (state.status === 'unregistered' || state.tenantId !== tenantId) throw new NotFoundError('user not found');
  return { user: state, version };
}

/** Matches no tenant: an unknown tenant's sign-in still asks for the user, as a known one's does. */
const NO_TENANT = '00000000-0000-0000-0000-000000000000';

/** A user who signed in before, whose stream an unknown sign-in reads in place of its own. */
const DECOY_KEY = 'sign-in:decoy-user';
const DECOY_TTL_MS = 86_400_000;

/**
 * The user a sign-in names, or null, after the same reads on every branch: the tenant, the user by
 * email, and a user's stream. When no user matched, the stream read is a real user's (one seen at an
 * earlier sign-in), so it costs what a known user's does: events read, personal data opened,
 * folded, then ignored. The unknown paths used to skip these reads, which made them measurably
 * faster than a known email with a wrong password.
 */
export async function signInCandidate(deps: Pick<IdentityDependencies, 'knex' | 'commands' | 'cache'>, slug: string, email: string): Promise<RegisteredUser | null> {
  const tenantId = await tenantIdBySlug(deps.knex, slug);
  const userId = await userIdByEmail(deps.knex, tenantId ?? NO_TENANT, email);
  // The decoy only evens out timing: with the shared cache down, sign-in goes on without it.
  const decoy = await deps.cache.get<string>(DECOY_KEY).catch(() => undefined);
  const { state } = await loadAggregate(deps.commands.store, userDecider, userStream(userId ?? decoy ?? randomUUID()));
  if (userId === null || state.status === 'unregistered' || state.tenantId !== tenantId) return null;
  if (decoy === undefined) await deps.cache.set(DECOY_KEY, userId, DECOY_TTL_MS).catch(() => undefined);
  return state;
}
