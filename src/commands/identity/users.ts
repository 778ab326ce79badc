import { randomUUID } from 'node:crypto';
import { passwordProblems } from '../../auth/passwords.js';
import { ForbiddenError, ValidationError } from '../../domain/errors.js';
import { emailReservationDecider, emailReservationStream, requireEmail, userDecider, userStream } from '../../domain/identity/index.js';
import type { Role } from '../../domain/permissions.js';
import { can } from '../../domain/permissions.js';
import type { LogPosition } from '../../eventstore/types.js';
import type { PersonalDataKeys } from '../../privacy/personal-data-keys.js';
import { handleCommand } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from './actor.js';
import { authorize } from './actor.js';
import type { IdentityDependencies } from './dependencies.js';
import { loadTenantUser } from './lookups.js';
import { endUserSessions } from './sessions.js';

export interface UserWritten {
  readonly userId: string;
  readonly position: LogPosition | null;
}

export async function createUser(deps: IdentityDependencies, actor: Actor, input: { email: string; name: string; role: Role; password: string }, context: CommandContext): Promise<UserWritten> {
  authorize(actor, 'user.create');
  const email = requireEmail(input.email);
  const problems = passwordProblems(input.password, { email, name: input.name });
  if (problems.length > 0) throw new ValidationError('the password is too weak', problems.map((message) => ({ path: '/password', message })));
  const userId = randomUUID();
  const passwordHash = await deps.hasher.hash(input.password);
  return registerUser(deps, actor.tenantId, { userId, email, name: input.name, role: input.role, passwordHash }, context);
}

/** Reserves the address in the tenant (the uniqueness guarantee), then registers the user. No permission check: callers do that. */
export async function registerUser(
  deps: Pick<IdentityDependencies, 'commands'>,
  tenantId: string,
  input: { userId: string; email: string; name: string; role: Role; passwordHash: string },
  context: CommandContext,
): Promise<UserWritten> {
  const email = requireEmail(input.email);
  await handleCommand(deps.commands, emailReservationDecider, emailReservationStream(tenantId, email), { type: 'ReserveEmail', email, userId: input.userId }, context);
  const result = await handleCommand(
    deps.commands,
    userDecider,
    userStream(input.userId),
    { type: 'RegisterUser', userId: input.userId, tenantId, email, name: input.name, role: input.role, passwordHash: input.passwordHash, now: context.now },
    context,
  );
  return { userId: input.userId, position: result.position };
}

/**
 * Anyone may rename themselves; changing someone else, or anyone's email or role, takes the
 * permission for it. An admin cannot change their own role (the tenant would risk losing its last admin).
 */
export async function updateUser(
  deps: IdentityDependencies,
  actor: Actor,
  userId: string,
  input: { name?: string; email?: string; role?: Role },
  context: CommandContext,
  expectedVersion?: number,
): Promise<UserWritten> {
  const self = userId === actor.userId;
  if (!self) authorize(actor, 'user.read');
  const { user } = await loadTenantUser(deps.commands.store, actor.tenantId, userId);
  if (!self || input.email !== undefined) authorize(actor, 'user.update');
  if (input.role !== undefined && input.role !== user.role) {
    authorize(actor, 'user.changeRole');
    if (self) throw new ForbiddenError('you cannot change your own role');
  }
  let position: LogPosition | null = null;
  const email = input.email === undefined ? undefined : requireEmail(input.email);
  if (email !== undefined && email !== user.email) {
    await handleCommand(deps.commands, emailReservationDecider, emailReservationStream(actor.tenantId, email), { type: 'ReserveEmail', email, userId }, context);
  }
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const profile = await handleCommand(deps.commands, userDecider, userStream(userId), { type: 'UpdateUserProfile', ...(input.name !== undefined ? { name: input.name } : {}), ...(email !== undefined ? { email } : {}), now: context.now }, context, options);
  position = profile.position ?? position;
  if (email !== undefined && email !== user.email) {
    await handleCommand(deps.commands, emailReservationDecider, emailReservationStream(actor.tenantId, user.email), { type: 'ReleaseEmail', userId }, context);
  }
  if (input.role !== undefined) {
    const role = await handleCommand(deps.commands, userDecider, userStream(userId), { type: 'ChangeUserRole', role: input.role, now: context.now }, context, { mustExist: true });
    position = role.position ?? position;
    // Access tokens carry the role: those already issued must not keep the old one for their lifetime.
    if (role.events.length > 0) await revokeIssuedAccessTokens(deps, userId, context.now);
  }
  return { userId, position };
}

export async function setUserActive(deps: IdentityDependencies, actor: Actor, userId: string, active: boolean, context: CommandContext): Promise<UserWritten> {
  authorize(actor, 'user.read');
  await loadTenantUser(deps.commands.store, actor.tenantId, userId);
  authorize(actor, 'user.deactivate');
  if (userId === actor.userId) throw new ForbiddenError('you cannot deactivate or reactivate yourself');
  const result = await handleCommand(deps.commands, userDecider, userStream(userId), active ? { type: 'ReactivateUser', now: context.now } : { type: 'DeactivateUser', now: context.now }, context, { mustExist: true });
  if (!active) {
    await endUserSessions(deps, userId, 'user_deactivated', context);
    await revokeIssuedAccessTokens(deps, userId, context.now);
  }
  return { userId, position: result.position };
}

/**
 * Forgets a person (crypto-shredding): their email reservation is released so the address is
 * free again, their data key is destroyed, a UserForgotten (no personal data in it) deactivates
 * them for good, and their sessions end. The key goes before the event: should the append fail,
 * a retry finds the user not yet forgotten and completes; the other way round, a retry would be
 * refused as "already forgotten" with the key still there.
 */
export async function forgetUser(
  deps: IdentityDependencies,
  keys: Pick<PersonalDataKeys, 'forget'>,
  actor: Actor,
  userId: string,
  context: CommandContext,
): Promise<UserWritten> {
  authorize(actor, 'user.read');
  const { user } = await loadTenantUser(deps.commands.store, actor.tenantId, userId);
  authorize(actor, 'user.forget');
  if (userId === actor.userId) throw new ForbiddenError('you cannot forget yourself');
  // Refused (already forgotten) before anything is released or destroyed.
  userDecider.decide({ type: 'ForgetUser', now: context.now }, user);
  await handleCommand(deps.commands, emailReservationDecider, emailReservationStream(actor.tenantId, user.email), { type: 'ReleaseEmail', userId }, context);
  await keys.forget(userId, context.now);
  const result = await handleCommand(deps.commands, userDecider, userStream(userId), { type: 'ForgetUser', now: context.now }, context, { mustExist: true });
  await endUserSessions(deps, userId, 'user_deactivated', context);
  await revokeIssuedAccessTokens(deps, userId, context.now);
  return { userId, position: result.position };
}

export function mayReadUser(actor: Actor, userId: string): boolean {
  return userId === actor.userId || can(actor.role, 'user.read');
}

/**
 * Access tokens already handed out die now, not when they expire. Token times are whole seconds,
 * so one issued later in this same second is refused too: the safe side.
 */
async function revokeIssuedAccessTokens(deps: IdentityDependencies, userId: string, now: Date): Promise<void> {
  await deps.denyList.denyAllBefore(`user:${userId}`, now, new Date(now.getTime() + (deps.accessTokenTtlSeconds + 60) * 1000));
}
