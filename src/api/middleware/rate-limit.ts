import type { Middleware } from 'koa';
import { RateLimitedError } from '../../domain/errors.js';
import type { RateLimitDecision, RateLimiter } from '../../volatile/index.js';
import type { AppState } from '../context.js';

export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  readonly perMinute: number;
  /** Paths that must answer even under a flood (probes). */
  readonly exempt: (path: string) => boolean;
}

/**
 * Limits each client address to `perMinute` requests. When the limiter's store is down the
 * request goes through: losing rate limiting for a while is better than losing the service desk.
 */
export function rateLimit(options: RateLimitOptions): Middleware<AppState> {
  const rule = { limit: options.perMinute, windowMs: 60_000 };
  return async (ctx, next) => {
    const decision = options.exempt(ctx.path) ? null : await consume(ctx.ip);
    if (decision) {
      ctx.set('RateLimit-Limit', String(rule.limit));
      ctx.set('RateLimit-Remaining', String(decision.remaining));
      ctx.set('RateLimit-Reset', String(Math.ceil(decision.resetMs / 1000)));
      if (!decision.allowed) {
        throw new RateLimitedError(`more than ${rule.limit} requests a minute from this address`, Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      }
    }
    await next();

    async function consume(ip: string): Promise<RateLimitDecision | null> {
      try {
        return await options.limiter.consume(`ip:${ip}`, rule);
      } catch (error) {
        ctx.state.logger.warn({ err: error }, 'rate limiter unavailable; request let through');
        return null;
      }
    }
  };
}
