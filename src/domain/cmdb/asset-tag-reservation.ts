import type { DomainEvent } from '../decider.js';
import { ConflictError } from '../errors.js';

/**
 * A tag names at most one asset per tenant. A stream per (tenant, tag) makes that hold under
 * concurrency: the first reservation appends with no_stream, so of racing creates one wins.
 */
export type AssetTagReserved = DomainEvent<'AssetTagReserved', { tag: string; assetId: string }>;
export type AssetTagReservationEvent = AssetTagReserved;
export type ReserveAssetTag = { type: 'ReserveAssetTag'; tag: string; assetId: string };
export type AssetTagReservation = { readonly heldBy: string | null };

/** Tags compare case-insensitively: "LT-001" and "lt-001" on two laptops would be a labelling error. */
export function assetTagStream(tenantId: string, tag: string): string {
  return `assettag-${tenantId}:${tag.toLowerCase()}`;
}

export const assetTagReservationDecider = {
  initialState: (): AssetTagReservation => ({ heldBy: null }),
  evolve(_state: AssetTagReservation, event: AssetTagReservationEvent): AssetTagReservation {
    return { heldBy: event.data.assetId };
  },
  decide(command: ReserveAssetTag, state: AssetTagReservation): AssetTagReservationEvent[] {
    if (state.heldBy === command.assetId) return [];
    if (state.heldBy !== null) throw new ConflictError('an asset with this tag already exists');
    return [{ type: 'AssetTagReserved', data: { tag: command.tag, assetId: command.assetId } }];
  },
};
