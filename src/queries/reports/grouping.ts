import type { Knex } from 'knex';
import { NAMES } from '../../projections/reporting/tables.js';
import type { Cell, Grouping, ReportRequest } from './types.js';

export interface GroupColumn {
  readonly name: string;
  readonly sql: string;
  /** Groups by an id of something named (a team, category, service, agent): the column of its name beside it. */
  readonly nameColumn?: string;
}

/** The output column a grouping fills, and the SQL for it given the timestamp its days and weeks count from. */
export function groupColumn(groupBy: Grouping, timestampColumn: string): GroupColumn {
  switch (groupBy) {
    case 'type':
      return { name: 'type', sql: 'type' };
    case 'priority':
      return { name: 'priority', sql: 'priority' };
    case 'team':
      return { name: 'teamId', sql: 'team_id::text', nameColumn: 'teamName' };
    case 'category':
      return { name: 'categoryId', sql: 'category_id::text', nameColumn: 'categoryName' };
    case 'service':
      return { name: 'serviceId', sql: 'service_id::text', nameColumn: 'serviceName' };
    case 'agent':
      return { name: 'agentId', sql: 'assignee_id::text', nameColumn: 'agentName' };
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

/**
 * Runs a grouped report query (its rows carrying `key`) and answers its rows in `order`, with the
 * group's current name as `key_name` when the grouping has one, from the reporting schema's
 * names (a forgotten person reads as the users read model shows them).
 */
export async function groupedRows(knex: Knex, key: GroupColumn | null, tenantId: string, grouped: string, bindings: readonly Knex.Value[], order: string): Promise<Array<Record<string, unknown>>> {
  const sql = key?.nameColumn
    ? `SELECT grouped.*, names.name AS key_name FROM (${grouped}) AS grouped
       LEFT JOIN ${NAMES} AS names ON names.id = grouped.key::uuid AND names.tenant_id = ?
       ORDER BY ${order}`
    : `SELECT * FROM (${grouped}) AS grouped ORDER BY ${order}`;
  const result = await knex.raw<{ rows: Array<Record<string, unknown>> }>(sql, key?.nameColumn ? [...bindings, tenantId] : [...bindings]);
  return result.rows;
}

/** A row's group cells: the key, and its name beside it when the grouping has one. */
export function groupCells(key: GroupColumn, row: Readonly<Record<string, unknown>>): Record<string, Cell> {
  const cells: Record<string, Cell> = { [key.name]: (row.key as string | null) ?? null };
  if (key.nameColumn) cells[key.nameColumn] = (row.key_name as string | null) ?? null;
  return cells;
}

/** The report's leading columns: the group's, and its name's when it has one. */
export const groupColumns = (key: GroupColumn): string[] => (key.nameColumn ? [key.name, key.nameColumn] : [key.name]);

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
