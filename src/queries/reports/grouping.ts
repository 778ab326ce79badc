import type { Grouping, ReportRequest } from './types.js';

/** The output column a grouping fills, and the SQL for it given the timestamp its days and weeks count from. */
export function groupColumn(groupBy: Grouping, timestampColumn: string): { readonly name: string; readonly sql: string } {
  switch (groupBy) {
    case 'type':
      return { name: 'type', sql: 'type' };
    case 'priority':
      return { name: 'priority', sql: 'priority' };
    case 'team':
      return { name: 'teamId', sql: 'team_id::text' };
    case 'category':
      return { name: 'categoryId', sql: 'category_id::text' };
    case 'service':
      return { name: 'serviceId', sql: 'service_id::text' };
    case 'week':
      // ISO weeks, named by their Monday (UTC).
      return { name: 'week', sql: `to_char(date_trunc('week', ${timestampColumn} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')` };
    case 'day':
      return { name: 'day', sql: `to_char(${timestampColumn} AT TIME ZONE 'UTC', 'YYYY-MM-DD')` };
    default: {
      const _exhaustive: never = groupBy;
      return _exhaustive;
    }
  }
}

/** The request's days as a half-open instant range [start, end). */
export function instantRange(request: ReportRequest): { readonly start: string; readonly end: string } {
  const end = new Date(`${request.to}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return { start: `${request.from}T00:00:00.000Z`, end: end.toISOString() };
}

/** pg hands counts and averages back as text or numbers depending on type; reports answer numbers. */
export function numberOrNull(value: unknown, decimals = 2): number | null {
  if (value === null || value === undefined) return null;
  const number = Number(value);
  if (!Number.isFinite(number)) return null;
  const scale = 10 ** decimals;
  return Math.round(number * scale) / scale;
}
