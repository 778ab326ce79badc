/**
 * Short-lived access tokens: HS256 JWTs that carry who the caller is, in which tenant, with which
 * role, under which session. They are deliberately stateless and short (at most 15 minutes), so
 * revocation is the refresh/session layer's job; this module only proves a token is ours and fresh.
 */
import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../domain/errors.js';
import { isRole } from '../domain/permissions.js';
import type { Role } from '../domain/permissions.js';

/** An HMAC-SHA256 key. `id` travels in the token header as `kid` so rotated keys can still verify. */
export interface SigningKey {
  readonly id: string;
  readonly secret: Buffer;
}

export interface AccessClaims {
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly sessionId: string;
  readonly tokenId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export interface AccessSubject {
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly sessionId: string;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly claims: AccessClaims;
  /** Seconds, as an OAuth-style `expires_in`. */
  readonly expiresIn: number;
}

export interface AccessTokensOptions {
  /** The first key signs; every listed key verifies, so a rotated-out key keeps working until removed. */
  readonly keys: readonly SigningKey[];
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly clock: () => Date;
  readonly newId: () => string;
}

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
export const MIN_SECRET_BYTES = 32;
/** Kept to characters that are safe in a config string, a JSON file and a JWT header alike. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_TTL_SECONDS = 900;

// Bounds the work an unauthenticated caller can make us do (base64 + JSON parsing + HMAC).
const MAX_TOKEN_LENGTH = 4096;
const CLOCK_TOLERANCE_SECONDS = 5;
const TOKEN_TYPE = 'access';
// One message for every failure so a caller cannot probe which check tripped.
const INVALID = 'invalid or expired access token';

class Rejected extends Error {}

function reject(): never {
  throw new Rejected();
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function epochSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function toSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Proves a token is ours and fresh, or throws UnauthorizedError. */
export interface AccessTokenVerifier {
  verify(token: string): AccessClaims;
}

export class AccessTokens implements AccessTokenVerifier {
  readonly #signingKey: { readonly id: string; readonly secret: KeyObject };
  // A Map, not an object, so a hostile `kid` such as "__proto__" cannot resolve to anything.
  readonly #verifyingKeys: ReadonlyMap<string, KeyObject>;
  readonly #issuer: string;
  readonly #audience: string;
  readonly #ttlSeconds: number;
  readonly #clock: () => Date;
  readonly #newId: () => string;

  constructor(options: AccessTokensOptions) {
    const { keys, issuer, audience, ttlSeconds, clock, newId } = options;
    if (keys.length === 0) throw new RangeError('access tokens need at least one signing key');
    const verifying = new Map<string, KeyObject>();
    for (const key of keys) {
      if (!KEY_ID_PATTERN.test(key.id)) throw new RangeError(`signing key id ${JSON.stringify(key.id)} must match ${String(KEY_ID_PATTERN)}`);
      if (key.secret.length < MIN_SECRET_BYTES) {
        throw new RangeError(`signing key "${key.id}" is ${key.secret.length} bytes; HS256 needs at least ${MIN_SECRET_BYTES}`);
      }
      if (verifying.has(key.id)) throw new RangeError(`signing key id "${key.id}" is listed twice`);
      // A KeyObject copies the bytes (later mutation of the caller's Buffer cannot change our key) and
      // stops jsonwebtoken from first trying to parse the secret as a PEM public/private key.
      verifying.set(key.id, createSecretKey(Buffer.from(key.secret)));
    }
    // jsonwebtoken skips the iss/aud checks entirely when the expected value is empty.
    if (!nonEmptyString(issuer)) throw new RangeError('access token issuer must be a non-empty string');
    if (!nonEmptyString(audience)) throw new RangeError('access token audience must be a non-empty string');
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new RangeError(`access token ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}, got ${ttlSeconds}`);
    }
    const active = keys[0] as SigningKey;
    this.#signingKey = { id: active.id, secret: verifying.get(active.id) as KeyObject };
    this.#verifyingKeys = verifying;
    this.#issuer = issuer;
    this.#audience = audience;
    this.#ttlSeconds = ttlSeconds;
    this.#clock = clock;
    this.#newId = newId;
  }

  issue(subject: AccessSubject): IssuedAccessToken {
    const { userId, tenantId, role, sessionId } = subject;
    // Refuse here rather than mint a token that verify() would reject later, far from the bug.
    if (!nonEmptyString(userId) || !nonEmptyString(tenantId) || !nonEmptyString(sessionId)) {
      throw new RangeError('access token subject needs non-empty userId, tenantId and sessionId');
    }
    if (!isRole(role)) throw new RangeError('access token subject has an unknown role');
    const tokenId = this.#newId();
    if (!nonEmptyString(tokenId)) throw new RangeError('newId() returned an empty token id');
    const iat = toSeconds(this.#clock());
    if (!epochSeconds(iat)) throw new RangeError('clock() returned an invalid date');
    const exp = iat + this.#ttlSeconds;

    const payload = { iss: this.#issuer, aud: this.#audience, sub: userId, tid: tenantId, role, sid: sessionId, jti: tokenId, iat, exp, typ: TOKEN_TYPE };
    const token = jwt.sign(payload, this.#signingKey.secret, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'JWT', kid: this.#signingKey.id } });
    // Whole seconds, so the claims handed out now equal what verify() will later read back.
    const claims: AccessClaims = { userId, tenantId, role, sessionId, tokenId, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
    return { token, claims, expiresIn: this.#ttlSeconds };
  }

  verify(token: string): AccessClaims {
    try {
      return this.#verify(token);
    } catch {
      throw new UnauthorizedError(INVALID);
    }
  }

  #verify(token: string): AccessClaims {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) reject();

    const decoded = jwt.decode(token, { complete: true });
    if (decoded === null) reject();
    const kid: unknown = decoded.header.kid;
    if (typeof kid !== 'string') reject();
    const key = this.#verifyingKeys.get(kid);
    if (key === undefined) reject();

    const now = toSeconds(this.#clock());
    const verified = jwt.verify(token, key, {
      // Pinned: never let the token's own header choose the algorithm (alg none, RS/HS confusion).
      algorithms: ['HS256'],
      issuer: this.#issuer,
      audience: this.#audience,
      clockTimestamp: now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    if (typeof verified === 'string') reject();
    const payload: Readonly<Record<string, unknown>> = verified;
    const { iss, aud, sub, tid, role, sid, jti, iat, exp, typ } = payload;

    if (typ !== TOKEN_TYPE) reject();
    // jsonwebtoken accepts an array `aud` containing ours; we only ever issue a single audience.
    if (iss !== this.#issuer || aud !== this.#audience) reject();
    if (!nonEmptyString(sub) || !nonEmptyString(tid) || !nonEmptyString(sid) || !nonEmptyString(jti)) reject();
    if (!isRole(role)) reject();
    if (!epochSeconds(iat) || !epochSeconds(exp)) reject();
    // jsonwebtoken only checks exp when present and never checks iat. The lifetime cap means a token
    // minted with a longer ttl by anything else holding the key (an old build, a misconfigured sibling)
    // is not honoured. Comparisons are phrased so an invalid injected clock (NaN) fails closed.
    if (!(exp > iat && exp - iat <= MAX_TTL_SECONDS)) reject();
    if (!(iat <= now + CLOCK_TOLERANCE_SECONDS && now < exp + CLOCK_TOLERANCE_SECONDS)) reject();

    return { userId: sub, tenantId: tid, role, sessionId: sid, tokenId: jti, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
  }
}
