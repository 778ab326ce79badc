import type { Knex } from 'knex';
import type { AccessTokens } from '../../auth/access-tokens.js';
import type { PasswordHasher } from '../../auth/passwords.js';
import type { Cache, RateLimiter, TokenDenyList } from '../../volatile/index.js';
import type { CommandDependencies } from '../handle.js';

export interface LoginLimits {
  /** Failed-or-not sign-in attempts per account in the window. */
  readonly perAccount: number;
  /** Attempts per client address in the window. */
  readonly perAddress: number;
  readonly windowMs: number;
}

export interface IdentityDependencies {
  readonly commands: CommandDependencies;
  /** Read models: lookups by email, tenant slug, a user's sessions. */
  readonly knex: Knex;
  readonly hasher: PasswordHasher;
  readonly accessTokens: AccessTokens;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlDays: number;
  readonly denyList: TokenDenyList;
  readonly cache: Cache;
  /** The shared limiter (Redis when configured) and the in-process one used when it is down. */
  readonly limiter: RateLimiter;
  readonly fallbackLimiter: RateLimiter;
  readonly loginLimits: LoginLimits;
  readonly issuer: string;
  readonly clock: () => Date;
  /**
   * Resolves once the read models have applied everything appended so far (bounded wait). Used
   * before a decision that reads them, such as "which sessions does this user still have".
   */
  readonly readModelsCaughtUp: () => Promise<boolean>;
}
