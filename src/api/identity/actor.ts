import type { Middleware } from 'koa';
import type { AccessClaims, AccessTokenVerifier } from '../../auth/access-tokens.js';
import type { Actor } from '../../commands/identity/actor.js';
import { UnauthorizedError } from '../../domain/errors.js';
import type { TokenDenyList } from '../../volatile/index.js';
import { VolatileStateUnavailableError } from '../../volatile/index.js';
import { bearerClaims } from '../middleware/bearer-subject.js';
import type { AppContext, AppState } from '../context.js';
import type { Revocations } from './revocations.js';
import { isRead, revocationsOf } from './revocations.js';

/**
 * Reads the bearer token, checks it and that its session and user were not revoked since, and
 * puts the actor on the request. The tenant of every later query and command comes from here,
 * never from a header or a body.
 */
export function authenticate(tokens: AccessTokenVerifier, denyList: TokenDenyList): Middleware<AppState> {
  return async (ctx, next) => {
    const claims = bearerClaims(ctx, tokens);
    if (claims === null) throw new UnauthorizedError('a bearer access token is required');
    if (claims instanceof Error) throw claims;
    const { sessionRevoked, userRevokedBefore } = await revocationsOrNone(ctx, denyList, claims);
    if (sessionRevoked || (userRevokedBefore !== null && claims.issuedAt.getTime() <= userRevokedBefore.getTime())) {
      throw new UnauthorizedError('invalid or expired access token');
    }
    ctx.state.actor = { userId: claims.userId, tenantId: claims.tenantId, role: claims.role, sessionId: claims.sessionId };
    await next();
  };
}

export function actorOf(ctx: AppContext): Actor {
  const actor = ctx.state.actor;
  if (!actor) throw new UnauthorizedError('a bearer access token is required');
  return actor;
}

/**
 * Whether the token's session, or tokens its user held before some moment, were revoked. While the
 * deny-list's store is down a read goes on, bounded by the access token's own short expiry; a
 * command, which could act for a revoked session, gets the store's 503 instead.
 */
async function revocationsOrNone(ctx: AppContext, denyList: TokenDenyList, claims: AccessClaims): Promise<Revocations> {
  try {
    return await revocationsOf(ctx, denyList, claims);
  } catch (error) {
    if (!(error instanceof VolatileStateUnavailableError) || !isRead(ctx)) throw error;
    ctx.state.logger.warn({ err: error }, 'token deny-list unavailable; serving a read on the token alone');
    return { sessionRevoked: false, userRevokedBefore: null };
  }
}
