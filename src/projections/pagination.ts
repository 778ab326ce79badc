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

export function decodeCursor(cursor: string, length: number): (string | number)[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values;
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
