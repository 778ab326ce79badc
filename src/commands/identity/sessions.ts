import { randomUUID } from 'node:crypto';
import { newRefreshToken } from '../../auth/refresh-tokens.js';
import type { SessionEndReason } from '../../domain/identity/index.js';
import { sessionDecider, sessionStream } from '../../domain/identity/index.js';
import type { Role } from '../../domain/permissions.js';
import { handleCommand } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { IdentityDependencies } from './dependencies.js';
import { openSessionIds } from '../../projections/sessions/queries.js';

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

const DAY_MS = 86_400_000;

/** Starts a refresh-token family for the user and issues the first pair. */
export async function startSession(
  deps: IdentityDependencies,
  user: { readonly id: string; readonly tenantId: string; readonly role: Role },
  method: string,
  context: CommandContext,
): Promise<TokenPair> {
  const sessionId = randomUUID();
  const refresh = newRefreshToken(sessionId);
  await handleCommand(
    deps.commands,
    sessionDecider,
    sessionStream(sessionId),
    { type: 'StartSession', sessionId, userId: user.id, tenantId: user.tenantId, tokenHash: refresh.hash, expiresAt: new Date(context.now.getTime() + deps.refreshTokenTtlDays * DAY_MS), method, now: context.now },
    context,
  );
  const access = deps.accessTokens.issue({ userId: user.id, tenantId: user.tenantId, role: user.role, sessionId });
  return { accessToken: access.token, refreshToken: refresh.token, tokenType: 'Bearer', expiresIn: access.expiresIn };
}

/**
 * Ends sessions: their refresh families are revoked in the log, and their access tokens are denied
 * until they would have expired anyway.
 */
export async function endSessions(deps: IdentityDependencies, sessionIds: readonly string[], reason: SessionEndReason, context: CommandContext): Promise<void> {
  const until = new Date(context.now.getTime() + (deps.accessTokenTtlSeconds + 60) * 1000);
  for (const sessionId of sessionIds) {
    await handleCommand(deps.commands, sessionDecider, sessionStream(sessionId), { type: 'RevokeSession', reason, now: context.now }, context);
    await deps.denyList.deny(`session:${sessionId}`, until);
  }
}

export async function endUserSessions(deps: IdentityDependencies, userId: string, reason: SessionEndReason, context: CommandContext, keep?: string): Promise<void> {
  await deps.readModelsCaughtUp();
  const open = (await openSessionIds(deps.knex, userId)).filter((id) => id !== keep);
  await endSessions(deps, open, reason, context);
}
