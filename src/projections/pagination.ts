import type { Knex } from 'knex';
import { ValidationError } from '../domain/errors.js';

export interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}

/** Keyset cursors: the sort key of the last row, opaque to clients. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a cursor's leading sort value must look like before it may reach SQL. */
export type CursorValue = 'text' | 'instant' | RegExp;

function fits(value: unknown, shape: CursorValue): boolean {
  if (typeof value !== 'string' || value.length > 500) return false;
  if (shape === 'text') return true;
  if (shape === 'instant') return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
  return shape.test(value);
}

/**
 * Every cursor we hand out is [sort value, id]. A forged one is a 400, never a database error:
 * the id must be a UUID and the sort value must have the shape of the list's sort key.
 */
export function decodeCursor(cursor: string, length: number, first: CursorValue = 'text'): (string | number)[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length && length === 2 && fits(values[0], first) && typeof values[1] === 'string' && UUID.test(values[1])) {
      return values as string[];
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('invalid cursor', [{ path: '/cursor', message: 'not a cursor this list handed out' }]);
}

/**
 * One page of a query ordered by (name, id), the order of every named thing we list. Reads one
 * row more than the page to know whether another page follows.
 */
export async function pageByName<Row extends { name: string; id: string }, View>(
  query: Knex.QueryBuilder,
  page: { readonly limit: number; readonly cursor?: string | undefined },
  toView: (row: Row) => View,
): Promise<Page<View>> {
  const after = page.cursor ? decodeCursor(page.cursor, 2) : null;
  if (after) query.andWhereRaw('(name, id) > (?, ?::uuid)', after);
  const rows = (await query.orderBy([{ column: 'name' }, { column: 'id' }]).limit(page.limit + 1)) as Row[];
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return { data: shown.map(toView), nextCursor: rows.length > page.limit && last ? encodeCursor([last.name, last.id]) : null };
}
