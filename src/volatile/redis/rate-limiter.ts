import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decide } from '../sliding-window.js';
import type { WindowState } from '../sliding-window.js';
import type { Clock, RateLimitDecision, RateLimiter, RateLimitRequest, RateLimitRule } from '../types.js';
import { assertRule } from '../validate.js';
import { EXPIRY_GRACE_MS } from './expiry.js';
import { guarded } from './guarded.js';
import { LuaScript } from './lua-script.js';

/**
 * Prune, count and add in one script, so concurrent consumers across processes can never both
 * take the last slot. Only allowed requests are added; each is a unique member scored by its time.
 * Keys are consumed in turn and the first refusal ends the turn, all in the one script, so a
 * request's limits (its address, its user) cost one round trip together.
 * ARGV: now, grace, then limit, window and member for each key. Replies four values a key consumed.
 */
const consumeScript = new LuaScript(`
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local replies = {}
for index, key in ipairs(KEYS) do
  local at = 3 + (index - 1) * 3
  local limit = tonumber(ARGV[at])
  local window = tonumber(ARGV[at + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', now - window))
  local count = redis.call('ZCARD', key)
  local allowed = 0
  if count < limit then
    redis.call('ZADD', key, ARGV[1], ARGV[at + 2])
    redis.call('PEXPIRE', key, window + grace)
    count = count + 1
    allowed = 1
  end
  local oldest = '0'
  local newest = '0'
  if count > 0 then
    oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
    newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2]
  end
  table.insert(replies, allowed)
  table.insert(replies, count)
  table.insert(replies, oldest)
  table.insert(replies, newest)
  if allowed == 0 then break end
end
return replies
`);

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    const [decision] = await this.consumeInTurn([{ key, rule }]);
    if (!decision) throw new TypeError('unexpected rate-limit script reply');
    return decision;
  }

  async consumeInTurn(requests: readonly RateLimitRequest[]): Promise<RateLimitDecision[]> {
    for (const { rule } of requests) assertRule(rule);
    if (requests.length === 0) return [];
    const now = this.clock();
    const keys = requests.map(({ key }) => `rate:${key}`);
    const args: Array<string | number> = [now, EXPIRY_GRACE_MS];
    for (const { rule } of requests) args.push(rule.limit, rule.windowMs, randomUUID());
    const reply = await guarded('rate limit', () => consumeScript.run(this.redis, keys, args));
    return parseReply(reply, requests.length).map((state, index) => decide(state, requests[index]!.rule, now));
  }
}

function parseReply(reply: unknown, requested: number): WindowState[] {
  if (!Array.isArray(reply) || reply.length === 0 || reply.length % 4 !== 0 || reply.length / 4 > requested) throw new TypeError('unexpected rate-limit script reply');
  const states: WindowState[] = [];
  for (let at = 0; at < reply.length; at += 4) {
    const [allowed, count, oldest, newest] = (reply.slice(at, at + 4) as unknown[]).map(Number);
    states.push({ allowed: allowed === 1, count: count ?? 0, oldest: oldest ?? 0, newest: newest ?? 0 });
  }
  return states;
}
