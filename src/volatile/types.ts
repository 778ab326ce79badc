/** Milliseconds since the epoch. Injected so that tests move time instead of sleeping. */
export type Clock = () => number;

export interface RateLimitRule {
  /** Requests allowed in a burst from idle, and then per `windowMs` sustained; a positive integer. */
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** How many more requests would be allowed now, after this one. */
  readonly remaining: number;
  /** 0 when allowed; otherwise how long until the next request would be allowed (at least 1). */
  readonly retryAfterMs: number;
  /** How long until the whole limit is available again (the key is idle). */
  readonly resetMs: number;
}

/**
 * A GCRA limiter (generic cell rate algorithm, see gcra.ts): `limit` requests in a burst from idle,
 * then one every `windowMs / limit`, so never more than `limit` in a burst and `limit` per window
 * sustained. It keeps one value a key. A refused request is not counted, so a client that keeps
 * hammering gets in again as soon as the next one is due.
 */
export interface RateLimiter {
  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
  /**
   * Consumes each key under its rule in turn, stopping at the first refusal: a request refused under
   * one key is not counted under the keys after it. Answers one decision for each key consumed, so
   * the last is the refusal if there was one. One trip to the store, atomic with respect to every
   * other consumer.
   */
  consumeInTurn(requests: readonly RateLimitRequest[]): Promise<RateLimitDecision[]>;
}

export interface RateLimitRequest {
  readonly key: string;
  readonly rule: RateLimitRule;
}

/**
 * Revoked access tokens. Entries only need to outlive the tokens they revoke, so each carries the
 * moment after which it is forgotten (`until`): the token's own expiry, or for a subject the
 * expiry of the longest-lived token it could still hold.
 */
export interface TokenDenyList {
  /** Denies one token (its `jti`) until `until`. A later call never shortens an earlier denial. */
  deny(tokenId: string, until: Date): Promise<void>;
  isDenied(tokenId: string): Promise<boolean>;
  /**
   * Denies every token of `subject` issued before `before` ("sign out everywhere") in one write,
   * remembered until `until`. The moment only ever moves forwards.
   */
  denyAllBefore(subject: string, before: Date, until: Date): Promise<void>;
  /** Tokens of this subject issued before the returned moment are revoked; null when none are. */
  deniedBefore(subject: string): Promise<Date | null>;
}

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * A cache of JSON values. Values are stored serialised, so a reader always gets its own copy and
 * every adapter returns the same shapes.
 */
export interface Cache {
  /** `undefined` on a miss; a stored `null` comes back as `null`. T is the writer's promise about the shape. */
  get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined>;
  set(key: string, value: JsonValue, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * The cached value, or the result of `load`, cached for `ttlMs`. Concurrent callers in this
   * process share one load; a failed load is not cached.
   */
  getOrLoad<T extends JsonValue>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T>;
}

/**
 * Everything that may be lost on restart: rate-limit windows, revoked tokens, cached reads. When
 * the backing store is down, every call rejects with VolatileStateUnavailableError within its
 * timeout; bad arguments reject with RangeError.
 */
export interface VolatileState {
  readonly rateLimiter: RateLimiter;
  readonly denyList: TokenDenyList;
  readonly cache: Cache;
  /** Resolves when the backing store answers; for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
