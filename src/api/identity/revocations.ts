import type { AccessClaims } from '../../auth/access-tokens.js';
import type { TokenDenyList } from '../../volatile/index.js';
import type { AppContext } from '../context.js';

/** What the deny list holds against one access token. */
export interface Revocations {
  readonly sessionRevoked: boolean;
  /** Tokens of the user issued at or before this moment are revoked; null when none are. */
  readonly userRevokedBefore: Date | null;
}

/** Settled either way, so that a lookup nobody ends up waiting for rejects into nothing. */
type Outcome = { readonly revocations: Revocations } | { readonly failure: unknown };

interface Lookup {
  readonly denyList: TokenDenyList;
  readonly claims: AccessClaims;
  readonly outcome: Promise<Outcome>;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isRead(ctx: AppContext): boolean {
  return READS.has(ctx.method);
}

const lookups = new WeakMap<AppContext, Lookup>();

/**
 * Starts a read's revocation lookup early: the rate limiter calls this in the tick in which it sends
 * its own script, so with the Redis client's auto-pipelining both leave in one write and come back in
 * one round trip, and authentication then finds the answer waiting. Commands look up at
 * authentication as before: a command's body may take a while to arrive, and a revocation made
 * meanwhile must stop it.
 */
export function lookUpRevocationsEarly(ctx: AppContext, denyList: TokenDenyList, claims: AccessClaims): void {
  if (isRead(ctx) && !lookups.has(ctx)) lookups.set(ctx, { denyList, claims, outcome: lookUp(denyList, claims) });
}

/** The token's revocations: the early lookup's answer when there is one for it, else asked now. */
export async function revocationsOf(ctx: AppContext, denyList: TokenDenyList, claims: AccessClaims): Promise<Revocations> {
  const early = lookups.get(ctx);
  lookups.delete(ctx);
  const outcome = await (early && early.denyList === denyList && early.claims === claims ? early.outcome : lookUp(denyList, claims));
  if ('failure' in outcome) throw outcome.failure;
  return outcome.revocations;
}

function lookUp(denyList: TokenDenyList, claims: AccessClaims): Promise<Outcome> {
  return Promise.all([denyList.isDenied(`session:${claims.sessionId}`), denyList.deniedBefore(`user:${claims.userId}`)]).then(
    ([sessionRevoked, userRevokedBefore]) => ({ revocations: { sessionRevoked, userRevokedBefore } }),
    (failure: unknown) => ({ failure }),
  );
}
