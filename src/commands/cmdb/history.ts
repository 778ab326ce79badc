import type { AssetEvent } from '../../domain/cmdb/index.js';
import { assetStream } from '../../domain/cmdb/index.js';
import type { JsonValue } from '../../eventstore/types.js';
import { occurredAt } from '../../eventstore/types.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { CmdbDependencies } from './asset-categories.js';
import { loadVisibleAsset } from './assets.js';

export interface AssetHistoryChange {
  readonly field: string;
  readonly from: JsonValue;
  readonly to: JsonValue;
}

export interface AssetHistoryEntry {
  readonly type: string;
  readonly revision: number;
  readonly occurredAt: string;
  readonly actorId: string | null;
  /** One line a person reads: what changed, old → new. */
  readonly summary: string;
  readonly changes: AssetHistoryChange[];
}

const PAGE = 500;

/**
 * The asset's own stream, oldest first: the audit trail of the configuration item. Reads the log
 * (the one place queries may), folding from the start so every summary can name the old value.
 * `fromRevision` pages through long histories.
 */
export async function assetHistory(deps: CmdbDependencies, actor: Actor, assetId: string, page: { readonly fromRevision: number; readonly limit: number }): Promise<{ data: AssetHistoryEntry[]; nextCursor: string | null }> {
  await loadVisibleAsset(deps.commands.store, actor, assetId);
  // Notes, costs and who did what are the agents' view, even of an asset the requester holds.
  authorize(actor, 'asset.read');
  const entries: AssetHistoryEntry[] = [];
  let previous: Record<string, JsonValue> = {};
  const titles = new Map<string, string>();
  for (let from = 0; ; from += PAGE) {
    const events = await deps.commands.store.readStream(assetStream(assetId), { fromRevision: from, maxCount: PAGE });
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as AssetEvent;
      const described = describe(event, previous, titles);
      previous = described.state;
      if (recorded.revision < page.fromRevision) continue;
      if (entries.length === page.limit) return { data: entries, nextCursor: String(recorded.revision) };
      const at = occurredAt(recorded);
      const actorId = typeof recorded.metadata.actorId === 'string' ? recorded.metadata.actorId : null;
      entries.push({ type: recorded.type, revision: recorded.revision, occurredAt: at, actorId, summary: described.summary, changes: described.changes });
    }
    if (events.length < PAGE) return { data: entries, nextCursor: null };
  }
}

const TRACKED = ['name', 'categoryId', 'ownerUserId', 'location', 'serial', 'vendor', 'purchaseDate', 'purchaseCost', 'warrantyEnd', 'attributes'] as const;

function describe(event: AssetEvent, previous: Record<string, JsonValue>, titles: Map<string, string>): { summary: string; changes: AssetHistoryChange[]; state: Record<string, JsonValue> } {
  const show = (value: JsonValue | undefined): string => (value === null || value === undefined ? '—' : typeof value === 'string' ? `"${value}"` : JSON.stringify(value));
  switch (event.type) {
    case 'AssetRegistered': {
      const d = event.data;
      return { summary: `registered ${d.tag} ${show(d.name)} as ${d.status}`, changes: [{ field: 'status', from: null, to: d.status }], state: { ...d } };
    }
    case 'AssetUpdated': {
      const changes = TRACKED.filter((field) => JSON.stringify(previous[field] ?? null) !== JSON.stringify(event.data[field])).map((field) => ({ field, from: previous[field] ?? null, to: event.data[field] }));
      const summary = changes.length === 0 ? 'updated, nothing changed' : changes.map((change) => `${change.field}: ${show(change.from)} → ${show(change.to)}`).join('; ');
      return { summary, changes, state: { ...previous, ...event.data } };
    }
    case 'AssetStatusChanged': {
      const d = event.data;
      return { summary: `status: ${d.from} → ${d.to}${d.note ? ` (${d.note})` : ''}`, changes: [{ field: 'status', from: d.from, to: d.to }], state: { ...previous, status: d.to } };
    }
    case 'AssetMaintenancePlanned': {
      const d = event.data;
      titles.set(d.maintenanceId, d.title);
      return { summary: `maintenance planned: ${d.kind} ${show(d.title)} for ${d.plannedFor}`, changes: [{ field: `maintenance/${d.maintenanceId}`, from: null, to: 'planned' }], state: previous };
    }
    case 'AssetMaintenanceCompleted': {
      const d = event.data;
      return {
        summary: `maintenance ${show(titles.get(d.maintenanceId) ?? d.maintenanceId)}: planned → done on ${d.doneOn}${d.actualCost ? `, cost ${d.actualCost}` : ''}`,
        changes: [{ field: `maintenance/${d.maintenanceId}`, from: 'planned', to: 'done' }],
        state: previous,
      };
    }
    case 'AssetMaintenanceCancelled': {
      const d = event.data;
      return {
        summary: `maintenance ${show(titles.get(d.maintenanceId) ?? d.maintenanceId)}: planned → cancelled${d.reason ? ` (${d.reason})` : ''}`,
        changes: [{ field: `maintenance/${d.maintenanceId}`, from: 'planned', to: 'cancelled' }],
        state: previous,
      };
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
