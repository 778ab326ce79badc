import type { Knex } from 'knex';
import { TICKET_FACTS } from '../../projections/reporting/tables.js';
import { groupCells, groupColumn, groupColumns, instantRange, numberOrNull, groupedRows } from './grouping.js';
import type { ReportRequest, ReportTable } from './types.js';

/**
 * SLA compliance of the tickets opened in the range under an SLA: per clock, how many met and how
 * many breached their target, and the share met of those with a verdict (null when none has one yet).
 */
export async function slaReport(knex: Knex, request: ReportRequest): Promise<ReportTable> {
  const key = groupColumn(request.groupBy, 'created_at');
  const { start, end } = instantRange(request);
  const rows = await groupedRows(
    knex,
    key,
    request.tenantId,
    `SELECT ${key.sql} AS key, count(*)::integer AS tickets,
       count(*) FILTER (WHERE first_response_sla = 'met')::integer AS first_response_met,
       count(*) FILTER (WHERE first_response_sla = 'breached')::integer AS first_response_breached,
       count(*) FILTER (WHERE resolution_sla = 'met')::integer AS resolution_met,
       count(*) FILTER (WHERE resolution_sla = 'breached')::integer AS resolution_breached
     FROM ${TICKET_FACTS}
     WHERE tenant_id = ? AND NOT deleted AND sla_policy_id IS NOT NULL AND created_at >= ?::timestamptz AND created_at < ?::timestamptz
     GROUP BY key`,
    [request.tenantId, start, end],
    'key NULLS LAST',
  );
  return {
    columns: [...groupColumns(key), 'tickets', 'firstResponseMet', 'firstResponseBreached', 'firstResponseCompliance', 'resolutionMet', 'resolutionBreached', 'resolutionCompliance'],
    rows: rows.map((row) => {
      const counts = {
        firstResponseMet: Number(row.first_response_met),
        firstResponseBreached: Number(row.first_response_breached),
        resolutionMet: Number(row.resolution_met),
        resolutionBreached: Number(row.resolution_breached),
      };
      return {
        ...groupCells(key, row),
        tickets: numberOrNull(row.tickets),
        firstResponseMet: counts.firstResponseMet,
        firstResponseBreached: counts.firstResponseBreached,
        firstResponseCompliance: share(counts.firstResponseMet, counts.firstResponseBreached),
        resolutionMet: counts.resolutionMet,
        resolutionBreached: counts.resolutionBreached,
        resolutionCompliance: share(counts.resolutionMet, counts.resolutionBreached),
      };
    }),
  };
}

const share = (met: number, breached: number): number | null => (met + breached === 0 ? null : numberOrNull(met / (met + breached), 4));
