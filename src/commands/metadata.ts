import type { JsonObject } from '../eventstore/types.js';

/** Who did it, why, and when: carried on every event we append. */
export interface EventMetadata extends JsonObject {
  tenantId: string;
  actorId: string | null;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
}

export interface CommandContext {
  readonly tenantId: string;
  readonly actorId: string | null;
  readonly correlationId: string;
  readonly causationId?: string | null;
  readonly now: Date;
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
