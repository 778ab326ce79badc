import type { JsonValue } from '../eventstore/types.js';

/** What a finished command answered, kept so that a retry can be given the very same answer. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** null also stands for "no body": Koa sends the two alike. */
  readonly body: JsonValue;
}

export interface ClaimRequest {
  /** Who may reuse the key for what: keys of different callers or endpoints never meet. */
  readonly scope: string;
  readonly key: string;
  /** Hash of the request, to tell a genuine retry from a key reused for another request. */
  readonly fingerprint: string;
  /**
   * How long an unfinished claim blocks others. A request that crashed mid-way never releases its
   * claim; past the lease a retry may take it over instead of waiting for the whole retention.
   */
  readonly leaseMs: number;
}

/** Proof of a claim: completing or releasing it needs the token, so a lost lease cannot clobber its successor. */
export interface Claim {
  readonly scope: string;
  readonly key: string;
  readonly token: string;
}

export type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly claim: Claim }
  | { readonly kind: 'in_progress'; readonly fingerprint: string }
  | { readonly kind: 'done'; readonly fingerprint: string; readonly response: StoredResponse };

/** Idempotency keys of command requests (see src/api/middleware/idempotency.ts). */
export interface IdempotencyStore {
  /** Atomically claims (scope, key), or reports what holds it. Expired entries count as absent. */
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  /**
   * Turns the claim into a replayable answer kept for `retentionMs`. False when the claim was lost
   * (its lease ran out and another request took it over): the answer is then not kept.
   */
  complete(claim: Claim, response: StoredResponse, retentionMs: number): Promise<boolean>;
  /** Gives up an unfinished claim so that a retry runs the request again. */
  release(claim: Claim): Promise<void>;
  /** Deletes up to `limit` expired entries; answers how many went. */
  purgeExpired(limit?: number): Promise<number>;
}
