import type { Knex } from 'knex';
import type { Page } from '../pagination.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

/** A ticket as listed on an asset: enough to pick it out, the ticket itself is one call away. */
export interface AssetTicketView {
  readonly id: string;
  readonly number: string;
  readonly type: string;
  readonly title: string;
  readonly status: string;
  readonly priority: string;
  readonly requesterId: string;
  readonly assigneeId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface AssetTicketRow {
  id: string;
  number: string;
  type: string;
  title: string;
  status: string;
  priority: string;
  requester_id: string;
  assignee_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * The tickets (not deleted) that name the asset, newest first, keyset on (created_at, id). Reads the
 * tickets read model and nothing else of it; `requesterId` narrows a requester to their own tickets.
 */
export async function listAssetTickets(
  knex: Knex,
  scope: { readonly tenantId: string; readonly requesterId: string | null },
  assetId: string,
  page: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<Page<AssetTicketView>> {
  const query = knex('tickets')
    .select('id', 'number', 'type', 'title', 'status', 'priority', 'requester_id', 'assignee_id', 'created_at', 'updated_at')
    .where({ tenant_id: scope.tenantId, deleted: false })
    .andWhereRaw('asset_ids @> ARRAY[?]::uuid[]', [assetId]);
  if (scope.requesterId !== null) query.andWhere({ requester_id: scope.requesterId });
  if (page.cursor) query.andWhereRaw('(created_at, id) < (?, ?::uuid)', decodeCursor(page.cursor, 2, 'instant'));
  const rows = (await query.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(page.limit + 1)) as AssetTicketRow[];
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    data: shown.map((row) => ({
      id: row.id,
      number: row.number,
      type: row.type,
      title: row.title,
      status: row.status,
      priority: row.priority,
      requesterId: row.requester_id,
      assigneeId: row.assignee_id,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    })),
    nextCursor: rows.length > page.limit && last ? encodeCursor([new Date(last.created_at).toISOString(), last.id]) : null,
  };
}
