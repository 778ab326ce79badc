import type { Knex } from 'knex';
import type { Page } from '../pagination.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

export interface MaintenanceView {
  readonly id: string;
  readonly assetId: string;
  readonly kind: string;
  readonly title: string;
  readonly description: string;
  readonly plannedFor: string;
  readonly vendor: string | null;
  readonly estimatedCost: string | null;
  readonly currency: string | null;
  readonly status: string;
  readonly doneOn: string | null;
  readonly actualCost: string | null;
  readonly notes: string | null;
  readonly cancelReason: string | null;
  /** Planned, not done, and its date has passed. */
  readonly overdue: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface MaintenanceRow {
  id: string;
  asset_id: string;
  kind: string;
  title: string;
  description: string;
  planned_for: string;
  vendor: string | null;
  estimated_cost: string | null;
  currency: string | null;
  status: string;
  done_on: string | null;
  actual_cost: string | null;
  notes: string | null;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = ['id', 'asset_id', 'kind', 'title', 'description', 'planned_for', 'vendor', 'estimated_cost', 'currency', 'status', 'done_on', 'actual_cost', 'notes', 'cancel_reason', 'created_at', 'updated_at'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function getMaintenance(knex: Knex, tenantId: string, assetId: string, id: string, today: string): Promise<MaintenanceView | null> {
  const row = (await knex('asset_maintenance').select(COLUMNS).where({ tenant_id: tenantId, asset_id: assetId, id }).first()) as MaintenanceRow | undefined;
  return row ? view(row, today) : null;
}

/** Oldest plan first, the order a technician works through them; keyset on (planned date, id). */
export async function listMaintenance(
  knex: Knex,
  tenantId: string,
  assetId: string,
  filter: { readonly limit: number; readonly cursor?: string | undefined; readonly status?: string | undefined },
  today: string,
): Promise<Page<MaintenanceView>> {
  const query = knex('asset_maintenance').select(COLUMNS).where({ tenant_id: tenantId, asset_id: assetId });
  if (filter.status !== undefined) query.andWhere({ status: filter.status });
  if (filter.cursor) query.andWhereRaw('(planned_for, id) > (?, ?::uuid)', decodeCursor(filter.cursor, 2, DATE));
  const rows = (await query.orderBy([{ column: 'planned_for' }, { column: 'id' }]).limit(filter.limit + 1)) as MaintenanceRow[];
  const shown = rows.slice(0, filter.limit);
  const last = shown.at(-1);
  return { data: shown.map((row) => view(row, today)), nextCursor: rows.length > filter.limit && last ? encodeCursor([last.planned_for, last.id]) : null };
}

function view(row: MaintenanceRow, today: string): MaintenanceView {
  return {
    id: row.id,
    assetId: row.asset_id,
    kind: row.kind,
    title: row.title,
    description: row.description,
    plannedFor: row.planned_for,
    vendor: row.vendor,
    estimatedCost: row.estimated_cost,
    currency: row.currency,
    status: row.status,
    doneOn: row.done_on,
    actualCost: row.actual_cost,
    notes: row.notes,
    cancelReason: row.cancel_reason,
    overdue: row.status === 'planned' && row.planned_for < today,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
