import { RateLimitedError } from '../../domain/errors.js';
import type { RateLimitDecision } from '../../volatile/index.js';
import type { IdentityDependencies } from './dependencies.js';

/**
 * Counts a sign-in attempt against the account and the client address before any password or
 * code is checked, so a flood evaluates no more than the limit. If the shared store is down the
 * in-process limiter counts instead: never no limit.
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

async function consume(deps: Pick<IdentityDependencies, 'limiter' | 'fallbackLimiter'>, key: string, rule: { limit: number; windowMs: number }): Promise<RateLimitDecision> {
  try {
    return await deps.limiter.consume(key, rule);
  } catch {
    return deps.fallbackLimiter.consume(key, rule);
  }
}
