/**
 * A small cache of access tokens already verified in this process, so a client's every request
 * does not pay again for decoding, the signature and the claim checks of the same token.
 */
import { createHash } from 'node:crypto';
import type { AccessClaims, AccessTokenVerifier } from './access-tokens.js';

export interface VerifiedTokensOptions {
  /** The full check a token must pass before it is cached. */
  readonly verifier: AccessTokenVerifier;
  readonly clock: () => Date;
  /** Tokens kept, the least recently used dropped first. */
  readonly maxEntries?: number;
  /** How long a verified token is trusted without another full check, at most. */
  readonly maxAgeMs?: number;
}

/** One entry per caller active in the last minute: a few MB at most, and a miss only costs a verification. */
const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_AGE_MS = 60_000;

interface Entry {
  readonly claims: AccessClaims;
  /** The entry's end: its max age, or the token's expiry if that comes first. */
  readonly untilMs: number;
}

/**
 * Only what verification proves is cached: that the token is ours (signed with a key listed now)
 * and fresh. An entry never outlives the token's `exp`, so an expired token goes back to the full
 * check, which refuses it. Signing keys are fixed for the life of a verifier (retiring one is a
 * restart with a shorter list) and this cache lives in the process, so a retired key's tokens are
 * never answered from it. Revocation (a session or a user's tokens denied) is not the token's to
 * prove: authentication asks the deny list on every request, cached or not. Failures are not
 * cached, so junk cannot crowd out good entries; it costs what it cost before.
 */
export class VerifiedTokens implements AccessTokenVerifier {
  // A Map keeps insertion order: re-inserting on a hit makes its first key the least recently used.
  readonly #entries = new Map<string, Entry>();
  readonly #verifier: AccessTokenVerifier;
  readonly #clock: () => Date;
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;

  constructor(options: VerifiedTokensOptions) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`verified-token cache size must be a positive integer, got ${maxEntries}`);
    if (!Number.isSafeInteger(maxAgeMs) || maxAgeMs < 1) throw new RangeError(`verified-token max age must be a positive integer of ms, got ${maxAgeMs}`);
    this.#verifier = options.verifier;
    this.#clock = options.clock;
    this.#maxEntries = maxEntries;
    this.#maxAgeMs = maxAgeMs;
  }

  verify(token: string): AccessClaims {
    // Hashed so the cache holds no bearer credential a heap dump could replay.
    const key = createHash('sha256').update(token).digest('base64url');
    const now = this.#clock().getTime();
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#entries.delete(key);
      // Phrased so an invalid clock (NaN) misses rather than hits.
      if (now < cached.untilMs) {
        this.#entries.set(key, cached);
        return copy(cached.claims);
      }
    }
    const claims = this.#verifier.verify(token);
    const untilMs = Math.min(now + this.#maxAgeMs, claims.expiresAt.getTime());
    if (now < untilMs) {
      this.#entries.set(key, { claims: copy(claims), untilMs });
      const oldest = this.#entries.keys().next();
      if (this.#entries.size > this.#maxEntries && !oldest.done) this.#entries.delete(oldest.value);
    }
    return claims;
  }

  /** Entries held, expired or not; for tests. */
  get size(): number {
    return this.#entries.size;
  }
}

/** Claims hold Dates, which their reader could change: each caller gets its own. */
function copy(claims: AccessClaims): AccessClaims {
  return { ...claims, issuedAt: new Date(claims.issuedAt.getTime()), expiresAt: new Date(claims.expiresAt.getTime()) };
}
