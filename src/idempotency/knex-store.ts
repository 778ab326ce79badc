import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { JsonValue } from '../eventstore/types.js';
import type { Claim, ClaimOutcome, ClaimRequest, IdempotencyStore, StoredResponse } from './store.js';

export interface KnexIdempotencyStoreOptions {
  readonly clock: () => Date;
  /** Expired rows are deleted at most this often, piggybacked on a claim. Default: a minute. */
  readonly purgeIntervalMs?: number;
  /** A failed purge must not fail the request that happened to trigger it; it is reported here. */
  readonly onError?: (error: unknown) => void;
}

interface KeyRow {
  fingerprint: string;
  state: 'in_progress' | 'done';
  status: number | null;
  headers: unknown;
  body: JsonValue;
}

interface RawResult<Row> {
  rows: Row[];
  rowCount: number | null;
}

/** A claim races with releases and expiries between its insert and its read; a few tries settle it. */
const CLAIM_ATTEMPTS = 5;
const PURGE_BATCH = 1000;

/**
 * The idempotency store on PostgreSQL or PGlite, every operation one statement: no transaction is
 * ever held while the request's handler runs (PGlite has a single connection to share).
 */
export class KnexIdempotencyStore implements IdempotencyStore {
  private readonly purgeIntervalMs: number;
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly knex: Knex,
    private readonly options: KnexIdempotencyStoreOptions,
  ) {
    this.purgeIntervalMs = options.purgeIntervalMs ?? 60_000;
  }

  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    await this.purgeOccasionally();
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
      const now = this.options.clock();
      const token = randomUUID();
      // The primary key makes the insert the arbiter: of concurrent claims exactly one inserts.
      // An expired row is taken over in the same statement; Postgres re-checks the WHERE against
      // the latest row version, so two racing takeovers cannot both win.
      const inserted = await this.knex.raw<RawResult<{ claim_token: string }>>(
        `INSERT INTO idempotency_keys AS k (scope, key, fingerprint, claim_token, state, created_at, expires_at)
         VALUES (?, ?, ?, ?, 'in_progress', ?::timestamptz, ?::timestamptz)
         ON CONFLICT (scope, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, claim_token = EXCLUDED.claim_token, state = 'in_progress',
               status = NULL, headers = NULL, body = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
           WHERE k.expires_at <= EXCLUDED.created_at
         RETURNING claim_token`,
        [request.scope, request.key, request.fingerprint, token, now.toISOString(), new Date(now.getTime() + request.leaseMs).toISOString()],
      );
      if (inserted.rows[0]?.claim_token === token) return { kind: 'claimed', claim: { scope: request.scope, key: request.key, token } };

      const existing = await this.knex.raw<RawResult<KeyRow>>(
        `SELECT fingerprint, state, status, headers, body FROM idempotency_keys
         WHERE scope = ? AND key = ? AND expires_at > ?::timestamptz`,
        [request.scope, request.key, now.toISOString()],
      );
      const row = existing.rows[0];
      // Released or expired since the insert: claim again.
      if (!row) continue;
      if (row.state === 'in_progress' || row.status === null) return { kind: 'in_progress', fingerprint: row.fingerprint };
      return { kind: 'done', fingerprint: row.fingerprint, response: { status: row.status, headers: stringRecord(row.headers), body: row.body } };
    }
    // Still churning after several tries: someone is working on this key; the caller may retry.
    return { kind: 'in_progress', fingerprint: request.fingerprint };
  }

  async complete(claim: Claim, response: StoredResponse, retentionMs: number): Promise<boolean> {
    const expiresAt = new Date(this.options.clock().getTime() + retentionMs);
    const result = await this.knex.raw<RawResult<never>>(
      `UPDATE idempotency_keys
       SET state = 'done', status = ?, headers = ?::jsonb, body = ?::jsonb, expires_at = ?::timestamptz
       WHERE scope = ? AND key = ? AND claim_token = ? AND state = 'in_progress'`,
      [response.status, JSON.stringify(response.headers), JSON.stringify(response.body), expiresAt.toISOString(), claim.scope, claim.key, claim.token],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async release(claim: Claim): Promise<void> {
    await this.knex.raw(`DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND claim_token = ? AND state = 'in_progress'`, [claim.scope, claim.key, claim.token]);
  }

  async purgeExpired(limit = PURGE_BATCH): Promise<number> {
    const now = this.options.clock().toISOString();
    // Bounded, so that one purge never turns into a long delete; the outer expiry check guards a
    // row that was taken over between the inner select and the delete.
    const result = await this.knex.raw<RawResult<never>>(
      `DELETE FROM idempotency_keys
       WHERE (scope, key) IN (SELECT scope, key FROM idempotency_keys WHERE expires_at <= ?::timestamptz LIMIT ?)
         AND expires_at <= ?::timestamptz`,
      [now, limit, now],
    );
    return result.rowCount ?? 0;
  }

  private async purgeOccasionally(): Promise<void> {
    const now = this.options.clock().getTime();
    if (now - this.lastPurge < this.purgeIntervalMs) return;
    this.lastPurge = now;
    try {
      await this.purgeExpired();
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

/** Rows are ours, but a header value that is not a string must never reach ctx.set. */
function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
