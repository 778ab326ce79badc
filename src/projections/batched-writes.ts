import type { Knex } from 'knex';
import type { DeferredWrites } from '../db/deferred-writes.js';

/**
 * Multi-row writes for projections that fold a page of events in memory: one statement per
 * page and table instead of one per event, which is what a rebuild spent its time on.
 */

/** PostgreSQL types of the columns `patchRows` writes; VALUES lists need them spelled out. */
export type ColumnType = 'uuid' | 'text' | 'integer' | 'bigint' | 'double precision' | 'boolean' | 'timestamptz' | 'jsonb' | 'text[]' | 'uuid[]';

/** Stays well under PostgreSQL's 65,535 bind parameters a statement. */
const MAX_BINDINGS = 30_000;

/**
 * Inserts rows, those whose key already exists left as they are (ON CONFLICT DO NOTHING); given
 * `deferred`, the statements wait there for the end of the batch instead.
 */
export async function insertRowsIgnoring(trx: Knex.Transaction, table: string, conflict: readonly string[], rows: ReadonlyArray<Record<string, unknown>>, deferred?: DeferredWrites): Promise<void> {
  if (rows.length === 0) return;
  const width = Math.max(1, Object.keys(rows[0]!).length);
  const size = Math.max(1, Math.floor(MAX_BINDINGS / width));
  for (let start = 0; start < rows.length; start += size) {
    const insert = trx(table)
      .insert(rows.slice(start, start + size))
      .onConflict([...conflict])
      .ignore();
    if (deferred) deferred.add(insert);
    else await insert;
  }
}

export interface RowPatch {
  /** The key columns' values. */
  readonly key: Readonly<Record<string, unknown>>;
  /** Only the columns that changed; columns absent here keep their stored value. */
  readonly set: Readonly<Record<string, unknown>>;
}

/**
 * Updates many rows in one UPDATE … FROM (VALUES …) a chunk. Rows may change different columns:
 * a column set on only some rows carries a flag saying whether to take the new value, so a
 * column nobody touched is never rewritten from a round-tripped copy.
 */
export async function patchRows(trx: Knex.Transaction, table: string, types: Readonly<Record<string, ColumnType>>, patches: readonly RowPatch[], deferred?: DeferredWrites): Promise<void> {
  if (patches.length === 0) return;
  const keyColumns = Object.keys(patches[0]!.key);
  const columns = [...new Set(patches.flatMap((patch) => Object.keys(patch.set)))];
  if (columns.length === 0) return;
  const everywhere = new Set(columns.filter((column) => patches.every((patch) => column in patch.set)));
  const typeOf = (column: string): ColumnType => {
    const type = types[column];
    if (!type) throw new Error(`patchRows: no type for ${table}.${column}`);
    return type;
  };
  const valueColumns = [...keyColumns.map((column) => ({ name: `k_${column}`, column, flag: false })), ...columns.flatMap((column) => [...(everywhere.has(column) ? [] : [{ name: `f_${column}`, column, flag: true }]), { name: `v_${column}`, column, flag: false }])];
  const placeholders = `(${valueColumns.map(({ column, flag }) => (flag ? '?::boolean' : `?::${typeOf(column)}`)).join(', ')})`;
  const assignments = columns.map((column) => (everywhere.has(column) ? `"${column}" = v."v_${column}"` : `"${column}" = CASE WHEN v."f_${column}" THEN v."v_${column}" ELSE t."${column}" END`));
  const matches = keyColumns.map((column) => `t."${column}" = v."k_${column}"`);
  const size = Math.max(1, Math.floor(MAX_BINDINGS / valueColumns.length));
  for (let start = 0; start < patches.length; start += size) {
    const chunk = patches.slice(start, start + size);
    const bindings: Knex.RawBinding[] = [];
    for (const patch of chunk) {
      for (const { column, flag } of valueColumns.slice(0, keyColumns.length)) {
        if (!flag) bindings.push(patch.key[column] as Knex.RawBinding);
      }
      for (const column of columns) {
        const present = column in patch.set;
        if (!everywhere.has(column)) bindings.push(present);
        bindings.push(present ? bindable(patch.set[column], typeOf(column)) : null);
      }
    }
    const update = trx.raw(
      `UPDATE ${table} AS t SET ${assignments.join(', ')}
       FROM (VALUES ${chunk.map(() => placeholders).join(', ')}) AS v(${valueColumns.map(({ name }) => `"${name}"`).join(', ')})
       WHERE ${matches.join(' AND ')}`,
      bindings,
    );
    if (deferred) deferred.add(update);
    else await update;
  }
}

/** Knex spreads an array binding into a list, so arrays and JSON go in as their text forms. */
function bindable(value: unknown, type: ColumnType): Knex.RawBinding {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb') return typeof value === 'string' ? value : JSON.stringify(value);
  if (type === 'text[]' || type === 'uuid[]') return arrayLiteral(value as ReadonlyArray<string | null>);
  return value as Knex.RawBinding;
}

function arrayLiteral(items: ReadonlyArray<string | number | null | undefined>): string {
  return `{${items.map((item) => (item === null || item === undefined ? 'NULL' : `"${String(item).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A uuid as PostgreSQL spells it back (lower case, hyphenated), so that values folded in memory
 * compare as the stored ones did. Anything else is left as it is, for the database to refuse.
 */
export function storedUuid(value: string): string {
  // Nearly every uuid of the log is already in this form: one test, no copies (a rebuild calls this millions of times).
  if (CANONICAL_UUID.test(value)) return value;
  const hex = value.replace(/[{}-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return value;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function storedUuidOrNull(value: string | null | undefined): string | null {
  return typeof value === 'string' ? storedUuid(value) : null;
}
