import type { RateLimitRule } from './types.js';

export function assertRule(rule: RateLimitRule): void {
  if (!Number.isSafeInteger(rule.limit) || rule.limit < 1) throw new RangeError(`rate limit must be a positive integer, got ${rule.limit}`);
  if (!Number.isSafeInteger(rule.windowMs) || rule.windowMs < 1) throw new RangeError(`rate-limit window must be a positive integer of ms, got ${rule.windowMs}`);
}

export function assertTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new RangeError(`ttl must be a positive integer of ms, got ${ttlMs}`);
}

export function timeOf(date: Date, name: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}
