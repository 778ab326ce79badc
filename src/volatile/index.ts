export type { Cache, Clock, JsonValue, RateLimitDecision, RateLimiter, RateLimitRequest, RateLimitRule, TokenDenyList, VolatileState } from './types.js';
export type { MemoryTarget, VolatileStateOptions, VolatileTarget } from './open.js';
export type { RedisTarget } from './redis/connect.js';
export { openVolatileState } from './open.js';
export { VolatileStateUnavailableError } from './errors.js';
