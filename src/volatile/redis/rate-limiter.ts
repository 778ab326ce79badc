import type { Redis } from 'ioredis';
import { decide } from '../gcra.js';
import type { Arrival } from '../gcra.js';
import type { Clock, RateLimitDecision, RateLimiter, RateLimitRequest, RateLimitRule } from '../types.js';
import { assertRule } from '../validate.js';
import { EXPIRY_GRACE_MS } from './expiry.js';
import { guarded } from './guarded.js';
import { LuaScript } from './lua-script.js';

/**
 * GCRA (see ../gcra.ts) in one script, so concurrent consumers across processes can never both take
 * the last slot. A key holds one string, its theoretical arrival time as "ms:fraction", and expires
 * once that time has passed. The arithmetic is arrive() in ../gcra.ts, line for line; every number
 * stays a whole one well inside a double's exact range. Keys are consumed in turn and the first
 * refusal ends the turn, all in the one script, so a request's limits (its address, its user) cost
 * one round trip together.
 * ARGV: now, grace, then limit and window for each key. Replies three values a key consumed:
 * allowed (1 or 0) and the arrival time the key is left with.
 */
const consumeScript = new LuaScript(`
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local replies = {}
for index, key in ipairs(KEYS) do
  local at = 3 + (index - 1) * 2
  local limit = tonumber(ARGV[at])
  local window = tonumber(ARGV[at + 1])
  local ms, fraction = now, 0
  local stored = redis.call('GET', key)
  if stored then
    local storedMs, storedFraction = string.match(stored, '^(%d+):(%d+)$')
    if storedMs then
      storedMs = tonumber(storedMs)
      storedFraction = tonumber(storedFraction)
      if storedFraction >= limit then
        storedMs = storedMs + 1
        storedFraction = 0
      end
      if storedMs > now or (storedMs == now and storedFraction > 0) then
        ms, fraction = storedMs, storedFraction
      end
    end
  end
  local sum = fraction + window
  local nextMs = ms + math.floor(sum / limit)
  local nextFraction = sum % limit
  local allowed = 0
  if nextMs < now + window or (nextMs == now + window and nextFraction == 0) then
    allowed = 1
    ms, fraction = nextMs, nextFraction
    redis.call('SET', key, string.format('%.0f:%.0f', ms, fraction), 'PX', string.format('%.0f', ms - now + 1 + grace))
  end
  table.insert(replies, allowed)
  table.insert(replies, ms)
  table.insert(replies, fraction)
  if allowed == 0 then break end
end
return replies
`);

/**
 * "gcra:", not the sliding log's "rate:": during a rolling upgrade old and new instances each keep
 * their own keys rather than read the other's data as theirs.
 */
const KEY_PREFIX = 'gcra:';

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
    const now = Math.floor(this.clock());
    const keys = requests.map(({ key }) => `${KEY_PREFIX}${key}`);
    const args: Array<string | number> = [now, EXPIRY_GRACE_MS];
    for (const { rule } of requests) args.push(rule.limit, rule.windowMs);
    const reply = await guarded('rate limit', () => consumeScript.run(this.redis, keys, args));
    return parseReply(reply, requests.length).map((arrival, index) => decide(arrival, requests[index]!.rule, now));
  }
}

function parseReply(reply: unknown, requested: number): Arrival[] {
  if (!Array.isArray(reply) || reply.length === 0 || reply.length % 3 !== 0 || reply.length / 3 > requested) throw new TypeError('unexpected rate-limit script reply');
  const arrivals: Arrival[] = [];
  for (let at = 0; at < reply.length; at += 3) {
    const [allowed, ms, fraction] = (reply.slice(at, at + 3) as unknown[]).map(Number);
    if (!Number.isSafeInteger(ms) || !Number.isSafeInteger(fraction)) throw new TypeError('unexpected rate-limit script reply');
    arrivals.push({ allowed: allowed === 1, arrival: { ms: ms!, fraction: fraction! } });
  }
  return arrivals;
}
