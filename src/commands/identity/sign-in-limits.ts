import { RateLimitedError } from '../../domain/errors.js';
import type { RateLimitDecision } from '../../volatile/index.js';
import type { IdentityDependencies } from './dependencies.js';

type LimitDependencies = Pick<IdentityDependencies, 'limiter' | 'fallbackLimiter' | 'loginLimits'>;

/** The key of an account's one allowance of guesses, whichever secret is guessed. */
export function knownAccount(userId: string): string {
  return `account:${userId}`;
}

/** An account that does not exist is limited as one that does, so the limit reveals nothing. */
export function unknownAccount(tenantSlug: string, email: string): string {
  return `account:${tenantSlug}:${email}`;
}

/**
 * Counts one check of an account's secret (a password at sign-in or on change, a TOTP or recovery
 * code at the second step or to turn two-factor off) against the account and the client address,
 * before it is checked: every secret of an account draws on one allowance, so a guesser cannot
 * spread guesses over passwords, codes or fresh sign-in challenges.
 */
export async function countSecretAttempt(deps: LimitDependencies, account: string, clientAddress: string): Promise<void> {
  await countSignInAttempt(deps, [account, `address:${clientAddress}`]);
}

/**
 * Counts an attempt under each key before any password or code is checked, so a flood evaluates
 * no more than the limit. If the shared store is down the in-process count decides: never no
 * limit, and never a fresh one.
 */
export async function countSignInAttempt(deps: LimitDependencies, keys: readonly string[]): Promise<void> {
  const { perAccount, perAddress, windowMs } = deps.loginLimits;
  for (const key of keys) {
    const byAddress = key.startsWith('address:');
    const decision = await consume(deps, `signin:${key}`, { limit: byAddress ? perAddress : perAccount, windowMs });
    if (!decision.allowed) {
      const message = byAddress ? 'too many sign-in attempts from this address; try again later' : "too many tries at this account's password or codes; try again later";
      throw new RateLimitedError(message, Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
    }
  }
}

/**
 * Every attempt is counted in this process too, not only once the shared store fails: an outage,
 * or a store that comes back empty, must not hand out a fresh allowance. The stricter answer wins.
 */
async function consume(deps: Pick<IdentityDependencies, 'limiter' | 'fallbackLimiter'>, key: string, rule: { limit: number; windowMs: number }): Promise<RateLimitDecision> {
  const local = await deps.fallbackLimiter.consume(key, rule);
  try {
    const shared = await deps.limiter.consume(key, rule);
    return shared.allowed && !local.allowed ? local : shared;
  } catch {
    return local;
  }
}
