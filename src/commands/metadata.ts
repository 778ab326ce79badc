import type { JsonObject } from '../eventstore/types.js';

/** Who did it, why, and when: carried on every event we append. */
export interface EventMetadata extends JsonObject {
  tenantId: string;
  actorId: string | null;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
}

/**
 * The request's Idempotency-Key as the log keeps it: `key` is a digest of the key and its scope
 * (caller and endpoint), `fingerprint` the digest of the request itself. See
 * src/api/middleware/idempotency.ts, which finds a crashed request's events by them.
 */
export interface RequestIdempotency {
  readonly key: string;
  readonly fingerprint: string;
}

export interface CommandContext {
  readonly tenantId: string;
  readonly actorId: string | null;
  readonly correlationId: string;
  readonly causationId?: string | null;
  readonly now: Date;
  /** Set when the request came with an Idempotency-Key. */
  readonly idempotency?: RequestIdempotency | undefined;
}

export function metadataFor(context: CommandContext): EventMetadata {
  return {
    tenantId: context.tenantId,
    actorId: context.actorId,
    correlationId: context.correlationId,
    causationId: context.causationId ?? null,
    occurredAt: context.now.toISOString(),
  };
}

/**
 * The metadata of the events a command decided: also the request's idempotency key, so that the
 * log itself says which request's command committed (the key's record and the append cannot
 * disagree: they are one row). Side appends such as a ticket number's reservation use
 * `metadataFor`: taking a number is not the command having happened.
 */
export function decidedMetadataFor(context: CommandContext): EventMetadata {
  const metadata = metadataFor(context);
  if (context.idempotency) {
    metadata.idempotencyKey = context.idempotency.key;
    metadata.requestFingerprint = context.idempotency.fingerprint;
  }
  return metadata;
}
