import type { Knex } from 'knex';
import { TICKET_FACTS, TICKET_OPEN_INTERVALS } from '../../projections/reporting/tables.js';
import { groupCells, groupColumn, groupColumns, groupedRows, numberOrNull } from './grouping.js';
import type { ReportRequest, ReportTable } from './types.js';

/**
 * Tickets open at the end of each UTC day of the range, from the backlog intervals. By day, every
 * day has a row (0 included); by team or priority, a row per day and value that had any.
 */
export async function backlogReport(knex: Knex, request: ReportRequest): Promise<ReportTable> {
  const split = request.groupBy === 'day' ? null : groupColumn(request.groupBy, 'opened_at');
  const join = split ? 'JOIN' : 'LEFT JOIN';
  const rows = await groupedRows(
    knex,
    split,
    request.tenantId,
    `WITH days AS (
       SELECT d::date AS day, (d + interval '1 day') AT TIME ZONE 'UTC' AS day_end
       FROM generate_series(?::timestamp, ?::timestamp, interval '1 day') AS d
     ),
     intervals AS (
       SELECT i.* FROM ${TICKET_OPEN_INTERVALS} i JOIN ${TICKET_FACTS} f ON f.ticket_id = i.ticket_id AND NOT f.deleted
       WHERE i.tenant_id = ?
     )
     SELECT to_char(days.day, 'YYYY-MM-DD') AS day, ${split ? `${split.sql} AS key,` : ''} count(intervals.ticket_id)::integer AS open_tickets
     FROM days ${join} intervals ON intervals.opened_at < days.day_end AND (intervals.closed_at IS NULL OR intervals.closed_at >= days.day_end)
     GROUP BY days.day${split ? ', key' : ''}`,
    [request.from, request.to, request.tenantId],
    `day${split ? ', key NULLS LAST' : ''}`,
  );
  return {
    columns: ['day', ...(split ? groupColumns(split) : []), 'openTickets'],
    rows: rows.map((row) => ({
      day: row.day as string,
      ...(split ? groupCells(split, row) : {}),
      openTickets: numberOrNull(row.open_tickets),
    })),
  };
}
