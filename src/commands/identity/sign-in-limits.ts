import { RateLimitedError } from '../../domain/errors.js';
import type { RateLimitDecision } from '../../volatile/index.js';
import type { IdentityDependencies } from './dependencies.js';

/**
 * Counts a sign-in attempt against the account and the client address before any password or
 * code is checked, so a flood evaluates no more than the limit. If the shared store is down the
 * in-process count decides: never no limit, and never a fresh one.
 */
export async function countSignInAttempt(deps: Pick<IdentityDependencies, 'limiter' | 'fallbackLimiter' | 'loginLimits'>, keys: readonly string[]): Promise<void> {
  const { perAccount, perAddress, windowMs } = deps.loginLimits;
  for (const key of keys) {
    const limit = key.startsWith('address:') ? perAddress : perAccount;
    const decision = await consume(deps, `signin:${key}`, { limit, windowMs });
    if (!decision.allowed) {
      throw new RateLimitedError('too many sign-in attempts; try again later', Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
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
