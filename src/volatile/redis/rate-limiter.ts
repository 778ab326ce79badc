import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decide } from '../sliding-window.js';
import type { Clock, RateLimitDecision, RateLimiter, RateLimitRule } from '../types.js';
import { assertRule } from '../validate.js';
import { EXPIRY_GRACE_MS } from './expiry.js';
import { guarded } from './guarded.js';
import { LuaScript } from './lua-script.js';

/**
 * Prune, count and add in one script, so concurrent consumers across processes can never both
 * take the last slot. Only allowed requests are added; each is a unique member scored by its time.
 */
const consumeScript = new LuaScript(`
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window + tonumber(ARGV[5]))
  count = count + 1
  allowed = 1
end
if count == 0 then return {allowed, 0, '0', '0'} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2]
return {allowed, count, oldest, newest}
`);

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    assertRule(rule);
    const now = this.clock();
    const reply = await guarded('rate limit', () =>
      consumeScript.run(this.redis, [`rate:${key}`], [now, rule.limit, rule.windowMs, randomUUID(), EXPIRY_GRACE_MS]),
    );
    return decide(parseReply(reply), rule, now);
  }
}

function parseReply(reply: unknown): { allowed: boolean; count: number; oldest: number; newest: number } {
  if (!Array.isArray(reply) || reply.length !== 4) throw new TypeError('unexpected rate-limit script reply');
  const [allowed, count, oldest, newest] = reply.map(Number);
  return { allowed: allowed === 1, count: count ?? 0, oldest: oldest ?? 0, newest: newest ?? 0 };
}
