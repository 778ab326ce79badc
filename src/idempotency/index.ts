export type { Claim, ClaimOutcome, ClaimRequest, IdempotencyStore, StoredResponse } from './store.js';
export { KnexIdempotencyStore } from './knex-store.js';
export type { KnexIdempotencyStoreOptions } from './knex-store.js';
export { canonicalJson, keyDigest, requestFingerprint } from './fingerprint.js';
