import type { Knex } from 'knex';
import { TICKET_FACTS } from '../../projections/reporting/tables.js';
import { groupCells, groupColumn, groupColumns, instantRange, numberOrNull, groupedRows } from './grouping.js';
import type { ReportRequest, ReportTable } from './types.js';

/**
 * Mean time to respond and resolve for the tickets resolved in the range (weeks count from the
 * resolution): business minutes as the SLA clocks count them, pauses left out, and wall-clock
 * minutes from opening to resolution. Averages skip tickets without the figure (no SLA).
 */
export async function mttrReport(knex: Knex, request: ReportRequest): Promise<ReportTable> {
  const key = groupColumn(request.groupBy, 'resolved_at');
  const { start, end } = instantRange(request);
  const rows = await groupedRows(
    knex,
    key,
    request.tenantId,
    `SELECT ${key.sql} AS key, count(*)::integer AS resolved,
       avg(resolution_business_minutes)::float8 AS mean_resolution_business_minutes,
       avg(first_response_business_minutes)::float8 AS mean_first_response_business_minutes,
       avg(extract(epoch FROM resolved_at - created_at) / 60)::float8 AS mean_resolution_minutes
     FROM ${TICKET_FACTS}
     WHERE tenant_id = ? AND NOT deleted AND resolved_at >= ?::timestamptz AND resolved_at < ?::timestamptz
     GROUP BY key`,
    [request.tenantId, start, end],
    'key NULLS LAST',
  );
  return {
    columns: [...groupColumns(key), 'resolved', 'meanFirstResponseBusinessMinutes', 'meanResolutionBusinessMinutes', 'meanResolutionMinutes'],
    rows: rows.map((row) => ({
      ...groupCells(key, row),
      resolved: numberOrNull(row.resolved),
      meanFirstResponseBusinessMinutes: numberOrNull(row.mean_first_response_business_minutes),
      meanResolutionBusinessMinutes: numberOrNull(row.mean_resolution_business_minutes),
      meanResolutionMinutes: numberOrNull(row.mean_resolution_minutes),
    })),
  };
}
