import { MemoryCache } from './memory/cache.js';
import { MemoryTokenDenyList } from './memory/deny-list.js';
import { MemoryRateLimiter } from './memory/rate-limiter.js';
import { RedisCache } from './redis/cache.js';
import type { RedisTarget } from './redis/connect.js';
import { connectRedis, disconnectRedis } from './redis/connect.js';
import { RedisTokenDenyList } from './redis/deny-list.js';
import { RedisRateLimiter } from './redis/rate-limiter.js';
import { guarded } from './redis/guarded.js';
import type { Clock, VolatileState } from './types.js';

export interface MemoryTarget {
  readonly kind: 'memory';
  readonly sweepEveryMs?: number;
  readonly cacheMaxEntries?: number;
}

export type VolatileTarget = MemoryTarget | RedisTarget;

export interface VolatileStateOptions {
  /** Defaults to Date.now; tests pass a clock they can move. */
  readonly clock?: Clock;
  /** Told about background connection errors (reconnects); calls report their own failures. */
  readonly onError?: (error: Error) => void;
}

/** Rate limits, revoked tokens and cache: in this process's memory, or shared through Redis. */
export async function openVolatileState(target: VolatileTarget, options: VolatileStateOptions = {}): Promise<VolatileState> {
  const clock = options.clock ?? Date.now;
  switch (target.kind) {
    case 'memory':
      return openMemory(target, clock);
    case 'redis':
      return openRedis(target, clock, options.onError ?? (() => {}));
    default: {
      const _exhaustive: never = target;
      throw new Error(`unknown volatile-state target ${String(_exhaustive)}`);
    }
  }
}

function openMemory(target: MemoryTarget, clock: Clock): VolatileState {
  const options = { clock, sweepEveryMs: target.sweepEveryMs };
  const rateLimiter = new MemoryRateLimiter(options);
  const denyList = new MemoryTokenDenyList(options);
  const cache = new MemoryCache({ ...options, maxEntries: target.cacheMaxEntries });
  return {
    rateLimiter,
    denyList,
    cache,
    ping: () => Promise.resolve(),
    close() {
      rateLimiter.close();
      denyList.close();
      cache.close();
      return Promise.resolve();
    },
  };
}

async function openRedis(target: RedisTarget, clock: Clock, onError: (error: Error) => void): Promise<VolatileState> {
  const redis = await connectRedis(target, onError);
  return {
    rateLimiter: new RedisRateLimiter(redis, clock),
    denyList: new RedisTokenDenyList(redis, clock),
    cache: new RedisCache(redis, clock),
    async ping() {
      await guarded('ping', () => redis.ping());
    },
    close: () => disconnectRedis(redis),
  };
}
