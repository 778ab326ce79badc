import type { Redis } from 'ioredis';
import type { Clock, TokenDenyList } from '../types.js';
import { timeOf } from '../validate.js';
import { EXPIRY_GRACE_MS } from './expiry.js';
import { guarded } from './guarded.js';
import { LuaScript } from './lua-script.js';

/**
 * One hash per token or subject: v (the token's until, or the subject's before moment) and u (when
 * the entry stops mattering). Read, widen and write in one script so concurrent revocations of the
 * same subject cannot move its moment backwards.
 */
const raiseScript = new LuaScript(`
local value = tonumber(ARGV[1])
local untilMs = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local current = redis.call('HMGET', KEYS[1], 'v', 'u')
local currentValue = tonumber(current[1])
local currentUntil = tonumber(current[2])
if currentValue and currentUntil and currentUntil > now then
  value = math.max(value, currentValue)
  untilMs = math.max(untilMs, currentUntil)
end
if untilMs <= now then return 0 end
redis.call('HSET', KEYS[1], 'v', string.format('%.0f', value), 'u', string.format('%.0f', untilMs))
redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', untilMs + tonumber(ARGV[4])))
return 1
`);

export class RedisTokenDenyList implements TokenDenyList {
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {}

  async deny(tokenId: string, until: Date): Promise<void> {
    const untilMs = timeOf(until, 'until');
    await this.#raise('deny token', `deny:token:${tokenId}`, untilMs, untilMs);
  }

  async isDenied(tokenId: string): Promise<boolean> {
    const until = await guarded('check token', () => this.redis.hget(`deny:token:${tokenId}`, 'u'));
    return until !== null && Number(until) > this.clock();
  }

  async denyAllBefore(subject: string, before: Date, until: Date): Promise<void> {
    await this.#raise('deny subject', `deny:subject:${subject}`, timeOf(before, 'before'), timeOf(until, 'until'));
  }

  async deniedBefore(subject: string): Promise<Date | null> {
    const [before, until] = await guarded('check subject', () => this.redis.hmget(`deny:subject:${subject}`, 'v', 'u'));
    if (before == null || until == null || Number(until) <= this.clock()) return null;
    return new Date(Number(before));
  }

  async #raise(operation: string, key: string, value: number, until: number): Promise<void> {
    await guarded(operation, () => raiseScript.run(this.redis, [key], [value, until, this.clock(), EXPIRY_GRACE_MS]));
  }
}
