import type { Knex } from 'knex';
import { TICKET_FACTS } from '../../projections/reporting/tables.js';
import { groupCells, groupColumn, groupColumns, instantRange, numberOrNull, groupedRows } from './grouping.js';
import type { ReportRequest, ReportTable } from './types.js';

const within = (column: string): string => `(${column} >= bounds.start AND ${column} < bounds.finish)`;

/**
 * Ticket flow in the range: opened (and, of those, reopened and breached) by creation, resolved,
 * closed and cancelled by when that happened. Grouped by each ticket's current values.
 */
export async function summaryReport(knex: Knex, request: ReportRequest): Promise<ReportTable> {
  const key = groupColumn(request.groupBy, 'created_at');
  const { start, end } = instantRange(request);
  const rows = await groupedRows(
    knex,
    key,
    request.tenantId,
    `WITH bounds AS (SELECT ?::timestamptz AS start, ?::timestamptz AS finish)
     SELECT ${key.sql} AS key,
       count(*) FILTER (WHERE ${within('created_at')})::integer AS opened,
       count(*) FILTER (WHERE ${within('resolved_at')})::integer AS resolved,
       count(*) FILTER (WHERE status = 'closed' AND ${within('closed_at')})::integer AS closed,
       count(*) FILTER (WHERE status = 'cancelled' AND ${within('closed_at')})::integer AS cancelled,
       coalesce(sum(reopen_count) FILTER (WHERE ${within('created_at')}), 0)::integer AS reopened,
       count(*) FILTER (WHERE ${within('created_at')} AND first_response_sla = 'breached')::integer AS first_response_breached,
       count(*) FILTER (WHERE ${within('created_at')} AND resolution_sla = 'breached')::integer AS resolution_breached
     FROM ${TICKET_FACTS}, bounds
     WHERE tenant_id = ? AND NOT deleted AND (${within('created_at')} OR ${within('resolved_at')} OR ${within('closed_at')})
     GROUP BY key`,
    [start, end, request.tenantId],
    'key NULLS LAST',
  );
  return {
    columns: [...groupColumns(key), 'opened', 'resolved', 'closed', 'cancelled', 'reopened', 'firstResponseBreached', 'resolutionBreached'],
    rows: rows.map((row) => ({
      ...groupCells(key, row),
      opened: numberOrNull(row.opened),
      resolved: numberOrNull(row.resolved),
      closed: numberOrNull(row.closed),
      cancelled: numberOrNull(row.cancelled),
      reopened: numberOrNull(row.reopened),
      firstResponseBreached: numberOrNull(row.first_response_breached),
      resolutionBreached: numberOrNull(row.resolution_breached),
    })),
  };
}
