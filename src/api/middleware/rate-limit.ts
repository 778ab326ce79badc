import type { Middleware } from 'koa';
import { RateLimitedError } from '../../domain/errors.js';
import type { RateLimitDecision, RateLimiter, RateLimitRequest, RateLimitRule } from '../../volatile/index.js';
import type { AppContext, AppState } from '../context.js';

export interface RateLimitOptions {
  /** The shared limiter (Redis across replicas, or this process's memory). */
  readonly limiter: RateLimiter;
  /** This process's own limiter, used while the shared one does not answer. */
  readonly fallback: RateLimiter;
  /** Requests a minute from one client address. */
  readonly perMinute: number;
  /** Requests a minute from one signed-in user, whichever addresses they come from. */
  readonly perUserPerMinute: number;
  /** The user a request's bearer token was issued to, when it carries a valid one. */
  readonly subjectOf: (ctx: AppContext) => string | null;
  /** Paths that must answer even under a flood (probes). */
  readonly exempt: (path: string) => boolean;
}

const WINDOW_MS = 60_000;
/** While the shared limiter is down, say so in the log this often rather than on every request. */
const WARN_EVERY_MS = 30_000;

/**
 * Limits each client address and each signed-in user. When the shared limiter's store is down,
 * each instance limits on its own in memory: a replica count times looser for a while, which is
 * better than either no limit or no service desk. The `RateLimit-*` headers describe the limit
 * closest to refusing.
 */
export function rateLimit(options: RateLimitOptions): Middleware<AppState> {
  const byAddress: RateLimitRule = { limit: options.perMinute, windowMs: WINDOW_MS };
  const byUser: RateLimitRule = { limit: options.perUserPerMinute, windowMs: WINDOW_MS };
  let lastWarnedAt = 0;

  /** Both limits in one trip to the store; the user's is not charged for a request its address was refused. */
  async function consume(ctx: AppContext, requests: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    try {
      return await options.limiter.consumeInTurn(requests);
    } catch (error) {
      const now = Date.now();
      if (now - lastWarnedAt >= WARN_EVERY_MS) {
        lastWarnedAt = now;
        ctx.state.logger.warn({ err: error }, 'shared rate limiter unavailable; limiting per instance in memory');
      }
      return options.fallback.consumeInTurn(requests);
    }
  }

  return async (ctx, next) => {
    if (options.exempt(ctx.path)) {
      await next();
      return;
    }
    const subject = options.subjectOf(ctx);
    const requests: RateLimitRequest[] = [{ key: `ip:${ctx.ip}`, rule: byAddress }];
    if (subject !== null) requests.push({ key: `user:${subject}`, rule: byUser });
    const [address, user] = await consume(ctx, requests);
    if (!address) throw new TypeError('the rate limiter answered no decision');
    let shown = { decision: address, rule: byAddress, who: 'this address' };
    if (user && (!user.allowed || user.remaining / byUser.limit < address.remaining / byAddress.limit)) shown = { decision: user, rule: byUser, who: 'this user' };
    const { decision, rule, who } = shown;
    ctx.set('RateLimit-Limit', String(rule.limit));
    ctx.set('RateLimit-Remaining', String(decision.remaining));
    ctx.set('RateLimit-Reset', String(Math.ceil(decision.resetMs / 1000)));
    if (!decision.allowed) {
      throw new RateLimitedError(`more than ${rule.limit} requests a minute from ${who}`, Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
    }
    await next();
  };
}
